using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Placement.Constraints;

/// <summary><c>offline</c> in a spec: names no VM, one non-empty set of known nodes.</summary>
internal sealed class OfflineValidation : ConstraintValidation<Offline>
{
    public override bool NamesVms => false;

    protected override IEnumerable<ValidationProblem> Validate(Offline c, string field, IReadOnlyDictionary<string, Resources>? nodes) =>
        CheckNodeSet(c.Nodes, $"{field}.nodes", nodes);
}
