using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>spread</c> on a placement and on each landing.</summary>
internal sealed class SpreadChecker : Checker<Spread>
{
    // Continuous: two members never share a node, not even while one of them migrates.
    protected override IEnumerable<string> Final(Spread c, PlacementState s)
    {
        var members = Members(c, s).ToHashSet();
        return from n in s.Nodes
               let here = s.VmsOn(n).Where(members.Contains).Order(StringComparer.Ordinal).ToList()
               where here.Count > 1
               select $"spread: VMs {string.Join(", ", here.Select(v => $"'{v}'"))} share node '{n}'";
    }

    protected override IEnumerable<string> Landing(Spread c, PlacementState during, string vm, string node, PlacementState final) =>
        c.Vms.Contains(vm)
            ? during.VmsOn(node).Where(o => o != vm && c.Vms.Contains(o)).Select(o => $"spread: VM '{vm}' migrates onto '{node}' where '{o}' is")
            : [];
}
