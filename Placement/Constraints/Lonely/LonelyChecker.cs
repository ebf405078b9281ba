using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>Checks <c>lonely</c> on a placement and on each landing.</summary>
internal sealed class LonelyChecker : Checker<Lonely>
{
    protected override IEnumerable<string> Final(Lonely c, PlacementState s)
    {
        var members = Members(c, s).ToHashSet();
        return from n in s.Nodes
               let here = s.VmsOn(n)
               where here.Any(members.Contains)
               from other in here.Where(v => !members.Contains(v))
               select $"lonely: VM '{other}' shares node '{n}' with the lonely VMs";
    }

    protected override IEnumerable<string> Landing(Lonely c, PlacementState during, string vm, string node, PlacementState final)
    {
        var here = during.VmsOn(node).Where(v => v != vm).ToList();
        if (c.Vms.Contains(vm))
            return here.Where(v => !c.Vms.Contains(v)).Select(v => $"lonely: VM '{vm}' migrates onto '{node}' where '{v}' is");
        return here.Any(c.Vms.Contains) ? [$"lonely: VM '{vm}' migrates onto '{node}', which hosts lonely VMs"] : [];
    }
}
