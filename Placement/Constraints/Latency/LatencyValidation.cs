using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Placement.Constraints;

/// <summary><c>latency</c> in a spec: at least one group, each a non-empty set of known nodes.</summary>
internal sealed class LatencyValidation : ConstraintValidation<Latency>
{
    protected override IEnumerable<ValidationProblem> Validate(Latency c, string field, IReadOnlyDictionary<string, Resources>? nodes) =>
        c.Groups.IsDefaultOrEmpty
            ? [new($"{field}.groups", "must name at least one node group")]
            : c.Groups.SelectMany((g, i) => CheckNodeSet(g, $"{field}.groups[{i}]", nodes));
}
