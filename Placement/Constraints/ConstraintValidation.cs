using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Placement.Constraints;

/// <summary>Typed base of the validations, with the node-set check they share.</summary>
internal abstract class ConstraintValidation<T> : IConstraintValidation where T : PlacementConstraint
{
    public virtual bool NamesVms => true;

    public IEnumerable<ValidationProblem> Validate(PlacementConstraint c, string field, IReadOnlyDictionary<string, Resources>? nodes) =>
        Validate((T)c, field, nodes);

    protected virtual IEnumerable<ValidationProblem> Validate(T c, string field, IReadOnlyDictionary<string, Resources>? nodes) => [];

    /// <summary>A node set must not be empty and, when the nodes are known, must name only known ones.</summary>
    protected static IEnumerable<ValidationProblem> CheckNodeSet(ImmutableArray<string> set, string where, IReadOnlyDictionary<string, Resources>? nodes)
    {
        if (set.IsDefaultOrEmpty) return [new(where, "node set must not be empty")];
        if (nodes is null) return [];
        return set.Where(n => !nodes.ContainsKey(n)).Distinct().Select(n => new ValidationProblem(where, $"unknown node '{n}'"));
    }
}
