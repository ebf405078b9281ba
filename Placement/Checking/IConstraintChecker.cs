using Discovery.Constraints;

namespace Discovery.Placement.Checking;

/// <summary>
/// The checker of one constraint type, after btrplace: <see cref="Final"/> validates a placement,
/// <see cref="Landing"/> validates one migration as it starts (the VM then holds resources on
/// both hosts). VMs a constraint names that are not in the problem are ignored.
/// </summary>
public interface IConstraintChecker
{
    /// <summary>Every way <paramref name="state"/> breaks <paramref name="constraint"/>.</summary>
    IEnumerable<string> Final(PlacementConstraint constraint, PlacementState state);

    /// <summary>Every way starting the migration of <paramref name="vm"/> onto <paramref name="node"/> in
    /// <paramref name="during"/> breaks <paramref name="constraint"/>, given where the plan ends (<paramref name="final"/>).</summary>
    IEnumerable<string> Landing(PlacementConstraint constraint, PlacementState during, string vm, string node, PlacementState final);
}
