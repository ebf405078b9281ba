using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary>Typed base of the rules; by default a constraint never evicts and never refuses (its domain does).</summary>
internal abstract class ConstraintRules<T> : IConstraintRules where T : PlacementConstraint
{
    public virtual bool PinsPartialMembers => false;

    public virtual bool RestrictsOtherVms => false;

    public IEnumerable<int> Violating(PlacementConstraint c, int[] members, ProblemIndex index, int[] target) =>
        Violating((T)c, members, index, target);

    public bool MayPlace(PlacementConstraint c, int[] members, int vm, int node, ProblemIndex index, int[] target) =>
        MayPlace((T)c, members, vm, node, index, target);

    public void AddLandingRules(PlacementConstraint c, LandingRules rules, IReadOnlyDictionary<string, string> target) =>
        AddLandingRules((T)c, rules, target);

    protected virtual IEnumerable<int> Violating(T c, int[] members, ProblemIndex index, int[] target) => [];

    protected virtual bool MayPlace(T c, int[] members, int vm, int node, ProblemIndex index, int[] target) => true;

    protected abstract void AddLandingRules(T c, LandingRules rules, IReadOnlyDictionary<string, string> target);

    /// <summary>Nodes of the members placed so far.</summary>
    protected static List<int> Placed(int[] members, int[] target) => members.Select(m => target[m]).Where(n => n >= 0).ToList();
}
