using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>gather</c> for the greedy, the problem index and the plan builder.</summary>
internal sealed class GatherRules : ConstraintRules<Gather>
{
    /// <summary>Members outside the problem decide the group's node.</summary>
    public override bool PinsPartialMembers => true;

    protected override IEnumerable<int> Violating(Gather c, int[] members, ProblemIndex index, int[] target) =>
        Placed(members, target).Distinct().Count() > 1 ? members.Skip(1) : [];

    protected override bool MayPlace(Gather c, int[] members, int vm, int node, ProblemIndex index, int[] target) =>
        !(members.Contains(vm) && members.Any(m => m != vm && target[m] >= 0 && target[m] != node));

    // Members move one at a time, straight to the group's node: a pivot would land elsewhere.
    protected override void AddLandingRules(Gather c, LandingRules rules, IReadOnlyDictionary<string, string> target) => rules.NoPivot(c.Vms);
}
