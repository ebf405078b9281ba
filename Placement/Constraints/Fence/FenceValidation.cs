using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Placement.Constraints;

/// <summary><c>fence</c> in a spec: one non-empty set of known nodes.</summary>
internal sealed class FenceValidation : ConstraintValidation<Fence>
{
    protected override IEnumerable<ValidationProblem> Validate(Fence c, string field, IReadOnlyDictionary<string, Resources>? nodes) =>
        CheckNodeSet(c.Nodes, $"{field}.nodes", nodes);
}
