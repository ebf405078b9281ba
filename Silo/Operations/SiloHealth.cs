using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Scheduling;
using Orleans.Runtime;

namespace Discovery.Silo.Operations;

/// <summary>
/// <c>/healthz</c>: whether this silo is an active member of its cluster and whether its hypervisors answer.
/// Unhealthy (503) when it is not an active member, or when it drives hypervisors and none answers; degraded
/// (200, listed) when only some do not answer, since the silo still serves the others and the cluster
/// re-places the VMs of nodes marked down.
/// </summary>
public sealed class SiloHealth(IClusterMembershipService membership, ILocalSiloDetails silo, HypervisorDirectory hypervisors, DvmsOptions options)
{
    /// <summary>How long a hypervisor has to answer a listing.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthJson> CheckAsync(CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var member = status == SiloStatus.Active;
        var nodes = hypervisors.Nodes;
        // Skip: a hypervisor that does not answer is what this check reports, not a reason for the check to fail.
        var notAnswering = await FanOut.FailedAsync(nodes, node => AnswerAsync(node, cancellationToken), width: options.FanOutWidth);

        var reasons = new List<string>();
        if (!member) reasons.Add($"silo {silo.SiloAddress} is {status} in the cluster, not Active");
        if (nodes.Count > 0 && notAnswering.Count == nodes.Count) reasons.Add($"none of its {nodes.Count} hypervisor(s) answers");
        else if (notAnswering.Count > 0) reasons.Add($"{notAnswering.Count} of its {nodes.Count} hypervisor(s) do not answer: {string.Join(", ", notAnswering.Take(20))}{(notAnswering.Count > 20 ? ", ..." : "")}");
        var verdict = !member || (nodes.Count > 0 && notAnswering.Count == nodes.Count) ? "unhealthy" : notAnswering.Count > 0 ? "degraded" : "healthy";
        return new HealthJson(verdict, member, status.ToString(), nodes.Count, nodes.Count - notAnswering.Count, notAnswering, reasons);
    }

    /// <summary>Lists the node's VMs within <see cref="ReadTimeout"/>; a cancellation that is not the caller's counts as no answer.</summary>
    private async Task AnswerAsync(string node, CancellationToken cancellationToken)
    {
        try
        {
            await hypervisors.Get(node).ListVmsAsync(cancellationToken).WaitAsync(ReadTimeout, cancellationToken);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the hypervisor of {node} cancelled its listing", e); // FanOut skips it; only the caller's cancellation ends the check
        }
    }
}
