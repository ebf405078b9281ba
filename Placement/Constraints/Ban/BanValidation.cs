using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Placement.Constraints;

/// <summary><c>ban</c> in a spec: one non-empty set of known nodes.</summary>
internal sealed class BanValidation : ConstraintValidation<Ban>
{
    protected override IEnumerable<ValidationProblem> Validate(Ban c, string field, IReadOnlyDictionary<string, Resources>? nodes) =>
        CheckNodeSet(c.Nodes, $"{field}.nodes", nodes);
}
