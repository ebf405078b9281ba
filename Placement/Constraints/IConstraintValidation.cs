using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Placement.Constraints;

/// <summary>The constraint-specific part of spec validation: must it name VMs, which node sets it has.</summary>
internal interface IConstraintValidation
{
    /// <summary>False for node-only constraints (offline).</summary>
    bool NamesVms { get; }

    /// <summary>Problems with the constraint's node sets; <paramref name="nodes"/>, when given, are the known nodes.</summary>
    IEnumerable<ValidationProblem> Validate(PlacementConstraint c, string field, IReadOnlyDictionary<string, Resources>? nodes);
}
