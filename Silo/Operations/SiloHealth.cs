using System.Globalization;
using Discovery.Hypervisors;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Time;
using Orleans.Runtime;

namespace Discovery.Silo.Operations;

/// <summary>
/// <c>/healthz</c>: whether this silo is an active member of its cluster and whether its hypervisors answered monitoring.
/// Unhealthy (503) when it is not an active member, or when it drives hypervisors and none answered; degraded
/// (200, listed) when only some did not, since the silo still serves the others and the cluster re-places the VMs
/// of nodes marked down. Answered from <see cref="MonitoringReadings"/> (with the age of the oldest reading), never
/// by asking a hypervisor: a flood of checks would queue on libvirt's connection thread ahead of monitoring and
/// could delay it past the grace after which nodes are marked down. A reading older than <see cref="StaleAfter"/>
/// (monitoring stuck) counts as no answer.
/// </summary>
public sealed class SiloHealth(IClusterMembershipService membership, ILocalSiloDetails silo, HypervisorDirectory hypervisors,
    MonitoringReadings readings, InfrastructureClock clock, DvmsOptions options)
{
    /// <summary>A reading older than this (the node-down grace, or three monitoring periods if longer) is stale.</summary>
    public TimeSpan StaleAfter => options.NodeDownGrace > options.MonitoringPeriod * 3 ? options.NodeDownGrace : options.MonitoringPeriod * 3;

    public Task<HealthJson> CheckAsync(CancellationToken cancellationToken)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        var member = status == SiloStatus.Active;
        var nodes = hypervisors.Nodes;
        var now = clock.Now;
        var notAnswering = new List<string>();
        var stale = new List<string>();
        TimeSpan? oldest = null;
        foreach (var node in nodes)
        {
            var reading = readings.Last(node);
            var age = reading is null ? (TimeSpan?)null : now - reading.At;
            if (age is { } a && (oldest is null || a > oldest)) oldest = a;
            if (reading is null || age > StaleAfter) stale.Add(node);
            else if (!reading.Answered) notAnswering.Add(node);
        }
        notAnswering.AddRange(stale);
        notAnswering.Sort(StringComparer.Ordinal);

        var reasons = new List<string>();
        if (!member) reasons.Add($"silo {silo.SiloAddress} is {status} in the cluster, not Active");
        if (nodes.Count > 0 && notAnswering.Count == nodes.Count) reasons.Add($"none of its {nodes.Count} hypervisor(s) answers");
        else if (notAnswering.Count > 0) reasons.Add($"{notAnswering.Count} of its {nodes.Count} hypervisor(s) do not answer: {List(notAnswering)}");
        if (stale.Count > 0)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"monitoring has not read {stale.Count} of them within {StaleAfter.TotalSeconds:0.#} s: {List(stale)}"));
        var verdict = !member || (nodes.Count > 0 && notAnswering.Count == nodes.Count) ? "unhealthy" : notAnswering.Count > 0 ? "degraded" : "healthy";
        return Task.FromResult(new HealthJson(verdict, member, status.ToString(), nodes.Count, nodes.Count - notAnswering.Count, notAnswering, reasons,
            oldest is { } o ? Math.Round(Math.Max(0, o.TotalSeconds), 1) : null));
    }

    private static string List(List<string> nodes) => $"{string.Join(", ", nodes.Take(20))}{(nodes.Count > 20 ? ", ..." : "")}";
}
