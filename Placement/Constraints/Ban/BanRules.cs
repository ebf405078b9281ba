using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>ban</c> for the greedy (its domain suffices) and the plan builder (never land on a banned node).</summary>
internal sealed class BanRules : ConstraintRules<Ban>
{
    protected override void AddLandingRules(Ban c, LandingRules rules, IReadOnlyDictionary<string, string> target)
    {
        var banned = c.Nodes.ToHashSet(StringComparer.Ordinal);
        foreach (var vm in c.Vms) rules.Add(vm, (n, _) => !banned.Contains(n));
    }
}
