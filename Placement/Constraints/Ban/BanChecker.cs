using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>ban</c> on a placement and on each landing.</summary>
internal sealed class BanChecker : Checker<Ban>
{
    protected override IEnumerable<string> Final(Ban c, PlacementState s) =>
        from vm in Members(c, s) from n in s.HostsOf(vm) where c.Nodes.Contains(n) select $"ban: VM '{vm}' is on banned node '{n}'";

    protected override IEnumerable<string> Landing(Ban c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm) && c.Nodes.Contains(node) ? [$"ban: VM '{vm}' migrates onto banned node '{node}'"] : [];
}
