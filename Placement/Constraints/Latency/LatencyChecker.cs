using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>latency</c> on a placement and on each landing.</summary>
internal sealed class LatencyChecker : Checker<Latency>
{
    protected override IEnumerable<string> Final(Latency c, PlacementState s)
    {
        var nodes = Members(c, s).SelectMany(s.HostsOf).Distinct().ToList();
        if (nodes.Count == 0 || c.Groups.Any(g => nodes.All(g.Contains))) return [];
        return [$"latency: VMs {Describe(c)} are on {string.Join(", ", nodes)}, not within one node group"];
    }

    protected override IEnumerable<string> Landing(Latency c, PlacementState during, string vm, string node, PlacementState final)
    {
        if (!c.Vms.Contains(vm)) return [];
        var finalNodes = Members(c, final).SelectMany(final.HostsOf).Distinct().ToList();
        return c.Groups.Any(g => g.Contains(node) && finalNodes.All(g.Contains))
            ? []
            : [$"latency: VM '{vm}' migrates onto '{node}', outside the node group its VE ends in"];
    }
}
