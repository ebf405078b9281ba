using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>fence</c> for the greedy (its domain suffices) and the plan builder (land only inside the fence).</summary>
internal sealed class FenceRules : ConstraintRules<Fence>
{
    protected override void AddLandingRules(Fence c, LandingRules rules, IReadOnlyDictionary<string, string> target)
    {
        var fence = c.Nodes.ToHashSet(StringComparer.Ordinal);
        foreach (var vm in c.Vms) rules.Add(vm, (n, _) => fence.Contains(n));
    }
}
