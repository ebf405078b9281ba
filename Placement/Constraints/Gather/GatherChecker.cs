using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>gather</c> on a placement and on each landing.</summary>
internal sealed class GatherChecker : Checker<Gather>
{
    protected override IEnumerable<string> Final(Gather c, PlacementState s)
    {
        var nodes = Members(c, s).SelectMany(s.HostsOf).Distinct().ToList();
        return nodes.Count > 1 ? [$"gather: VMs {Describe(c)} are on {nodes.Count} nodes ({string.Join(", ", nodes)})"] : [];
    }

    // Gather can only hold in the final state: members move one at a time.
    protected override IEnumerable<string> Landing(Gather c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm) && !final.HostsOf(vm).Contains(node) ? [$"gather: VM '{vm}' migrates onto '{node}', not its group's node"] : [];
}
