using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary>Typed base of the encodings; by default a constraint neither narrows domains nor adds to the model.</summary>
internal abstract class ConstraintEncoding<T> : IConstraintEncoding where T : PlacementConstraint
{
    public void Restrict(PlacementConstraint c, int[] members, Domains domains) => Restrict((T)c, members, domains);

    public void Encode(PlacementConstraint c, int[] members, ICpSatModel model) => Encode((T)c, members, model);

    protected virtual void Restrict(T c, int[] members, Domains domains) { }

    protected virtual void Encode(T c, int[] members, ICpSatModel model) { }
}
