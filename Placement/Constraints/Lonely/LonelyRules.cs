using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>lonely</c> for the greedy and the plan builder: members and non-members never share a node.</summary>
internal sealed class LonelyRules : ConstraintRules<Lonely>
{
    public override bool RestrictsOtherVms => true;

    // Every member goes: the greedy cannot tell which side of the shared node should leave.
    // Unplaced VMs (-1) share no node.
    protected override IEnumerable<int> Violating(Lonely c, int[] members, ProblemIndex index, int[] target) =>
        members.Any(m => target[m] >= 0 && Enumerable.Range(0, target.Length).Any(o => target[o] == target[m] && !members.Contains(o))) ? members : [];

    protected override bool MayPlace(Lonely c, int[] members, int vm, int node, ProblemIndex index, int[] target)
    {
        var hosted = Enumerable.Range(0, target.Length).Where(o => o != vm && target[o] == node);
        return !(members.Contains(vm) ? hosted.Any(o => !members.Contains(o)) : hosted.Any(members.Contains));
    }

    protected override void AddLandingRules(Lonely c, LandingRules rules, IReadOnlyDictionary<string, string> target)
    {
        var lonely = c.Vms.ToHashSet(StringComparer.Ordinal);
        rules.Exclusive(lonely);
        foreach (var vm in c.Vms) rules.Add(vm, (n, h) => h[n].All(o => o == vm || lonely.Contains(o)));
    }
}
