using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>fence</c> on a placement and on each landing.</summary>
internal sealed class FenceChecker : Checker<Fence>
{
    protected override IEnumerable<string> Final(Fence c, PlacementState s) =>
        from vm in Members(c, s) from n in s.HostsOf(vm) where !c.Nodes.Contains(n) select $"fence: VM '{vm}' is on '{n}', outside its fence";

    protected override IEnumerable<string> Landing(Fence c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm) && !c.Nodes.Contains(node) ? [$"fence: VM '{vm}' migrates onto '{node}', outside its fence"] : [];
}
