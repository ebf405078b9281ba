using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary>How the greedy solver, the problem index and the plan builder read one constraint type.</summary>
internal interface IConstraintRules
{
    /// <summary>When some members are outside the problem, the members inside stay where they are
    /// (the outside ones decide where the group is; the solver should not guess).</summary>
    bool PinsPartialMembers { get; }

    /// <summary>Whether a VM the constraint does not name can break it by landing next to its members (lonely).</summary>
    bool RestrictsOtherVms { get; }

    /// <summary>Greedy: members to evict because the partial placement <paramref name="target"/> (-1 = not placed) breaks the constraint.</summary>
    IEnumerable<int> Violating(PlacementConstraint c, int[] members, ProblemIndex index, int[] target);

    /// <summary>Greedy: whether placing <paramref name="vm"/> on <paramref name="node"/> keeps the constraint.</summary>
    bool MayPlace(PlacementConstraint c, int[] members, int vm, int node, ProblemIndex index, int[] target);

    /// <summary>Plan builder: adds the constraint's landing rules for a plan ending at <paramref name="target"/>.</summary>
    void AddLandingRules(PlacementConstraint c, LandingRules rules, IReadOnlyDictionary<string, string> target);
}
