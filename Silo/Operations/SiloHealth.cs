using Discovery.Hypervisors;
using Orleans.Runtime;

namespace Discovery.Silo.Operations;

/// <summary>
/// <c>/healthz</c>: whether this silo is an active member of its cluster and whether its hypervisors answer.
/// Unhealthy (503) when it is not an active member, or when it drives hypervisors and none answers; degraded
/// (200, listed) when only some do not answer, since the silo still serves the others and the cluster
/// re-places the VMs of nodes marked down.
/// </summary>
public sealed class SiloHealth(IClusterMembershipService membership, ILocalSiloDetails silo, HypervisorDirectory hypervisors)
{
    /// <summary>How long a hypervisor has to answer a listing.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthJson> CheckAsync(CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var member = status == SiloStatus.Active;
        var nodes = hypervisors.Nodes;
        var notAnswering = new List<string>();
        foreach (var chunk in nodes.Chunk(256))
        {
            var answers = await Task.WhenAll(chunk.Select(async node =>
            {
                try
                {
                    await hypervisors.Get(node).ListVmsAsync(cancellationToken).WaitAsync(ReadTimeout, cancellationToken);
                    return (node, ok: true);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    return (node, ok: false);
                }
            }));
            notAnswering.AddRange(answers.Where(a => !a.ok).Select(a => a.node));
        }

        var reasons = new List<string>();
        if (!member) reasons.Add($"silo {silo.SiloAddress} is {status} in the cluster, not Active");
        if (nodes.Count > 0 && notAnswering.Count == nodes.Count) reasons.Add($"none of its {nodes.Count} hypervisor(s) answers");
        else if (notAnswering.Count > 0) reasons.Add($"{notAnswering.Count} of its {nodes.Count} hypervisor(s) do not answer: {string.Join(", ", notAnswering.Take(20))}{(notAnswering.Count > 20 ? ", ..." : "")}");
        var verdict = !member || (nodes.Count > 0 && notAnswering.Count == nodes.Count) ? "unhealthy" : notAnswering.Count > 0 ? "degraded" : "healthy";
        return new HealthJson(verdict, member, status.ToString(), nodes.Count, nodes.Count - notAnswering.Count, notAnswering, reasons);
    }
}
