using Discovery.Constraints;

namespace Discovery.Placement.Checking;

/// <summary>Typed base of the checkers: the registry hands each checker only its own constraint type.</summary>
internal abstract class Checker<T> : IConstraintChecker where T : PlacementConstraint
{
    public IEnumerable<string> Final(PlacementConstraint c, PlacementState state) => Final((T)c, state);

    public IEnumerable<string> Landing(PlacementConstraint c, PlacementState during, string vm, string node, PlacementState final) =>
        Landing((T)c, during, vm, node, final);

    protected abstract IEnumerable<string> Final(T c, PlacementState state);

    protected abstract IEnumerable<string> Landing(T c, PlacementState during, string vm, string node, PlacementState final);

    protected static IEnumerable<string> Members(T c, PlacementState s) => c.VmIds.Where(s.Knows).Distinct();

    protected static string Describe(T c) => $"{c.Name}({string.Join(",", c.VmIds)})";
}
