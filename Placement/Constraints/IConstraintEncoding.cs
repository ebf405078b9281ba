using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary>How one constraint type enters the CP-SAT model.</summary>
internal interface IConstraintEncoding
{
    /// <summary>Before the model exists: narrows the nodes the members may end on, or closes nodes.</summary>
    void Restrict(PlacementConstraint c, int[] members, Domains domains);

    /// <summary>Adds the constraint to the model, in the order the problem lists constraints.</summary>
    void Encode(PlacementConstraint c, int[] members, ICpSatModel model);
}
