using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>spread</c> for the greedy and the plan builder: no two members on one node, not even while one migrates.</summary>
internal sealed class SpreadRules : ConstraintRules<Spread>
{
    protected override IEnumerable<int> Violating(Spread c, int[] members, ProblemIndex index, int[] target)
    {
        var nodes = Placed(members, target);
        return nodes.Count != nodes.Distinct().Count() ? members.Skip(1) : [];
    }

    protected override bool MayPlace(Spread c, int[] members, int vm, int node, ProblemIndex index, int[] target) =>
        !(members.Contains(vm) && members.Any(m => m != vm && target[m] == node));

    protected override void AddLandingRules(Spread c, LandingRules rules, IReadOnlyDictionary<string, string> target)
    {
        var spread = c.Vms.ToHashSet(StringComparer.Ordinal);
        foreach (var vm in c.Vms) rules.Add(vm, (n, h) => !h[n].Any(o => o != vm && spread.Contains(o)));
    }
}
