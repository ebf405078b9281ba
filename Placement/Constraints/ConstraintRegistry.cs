using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>
/// The one map from a constraint type to its implementation (checker, CP-SAT encoding, greedy and
/// landing rules, spec validation), after btrplace's mapper, and from its keyword to its shape. The
/// solvers, the problem index, the plan builder, the checker and the validator all go through it, and
/// so do the VE compiler and printer, the JSON API and the CLI, so an unmapped type or an unknown
/// keyword is refused everywhere instead of being silently ignored or taken for another.
/// Adding a constraint = its record in Grains.Interfaces/Constraints (with its <see cref="ConstraintShape"/>),
/// one folder here (Constraints/&lt;Name&gt;/ with its Checker, Encoding, Rules and Validation) and one line below.
/// </summary>
public static class ConstraintRegistry
{
    // In the order the language's errors list them.
    private static readonly ImmutableArray<ConstraintKind> Kinds =
    [
        Kind<Ban>(new BanChecker(), new BanEncoding(), new BanRules(), new BanValidation()),
        Kind<Fence>(new FenceChecker(), new FenceEncoding(), new FenceRules(), new FenceValidation()),
        Kind<Spread>(new SpreadChecker(), new SpreadEncoding(), new SpreadRules(), new SpreadValidation()),
        Kind<Latency>(new LatencyChecker(), new LatencyEncoding(), new LatencyRules(), new LatencyValidation()),
        Kind<Gather>(new GatherChecker(), new GatherEncoding(), new GatherRules(), new GatherValidation()),
        Kind<Lonely>(new LonelyChecker(), new LonelyEncoding(), new LonelyRules(), new LonelyValidation()),
        Kind<Offline>(new OfflineChecker(), new OfflineEncoding(), new OfflineRules(), new OfflineValidation()),
    ];

    private static readonly Dictionary<Type, ConstraintKind> ByType = Kinds.ToDictionary(k => k.Shape.Type);

    private static readonly Dictionary<string, ConstraintShape> ByKeyword = Kinds.ToDictionary(k => k.Shape.Keyword, k => k.Shape, StringComparer.Ordinal);

    private static ConstraintKind Kind<T>(IConstraintChecker checker, IConstraintEncoding encoding, IConstraintRules rules, IConstraintValidation validation)
        where T : PlacementConstraint, IShapedConstraint =>
        new(T.Shape, checker, encoding, rules, validation);

    /// <summary>Every registered constraint's shape, in registration order.</summary>
    public static ImmutableArray<ConstraintShape> Shapes { get; } = [.. Kinds.Select(k => k.Shape)];

    /// <summary>Every registered keyword, in registration order (ban, fence, spread, ...).</summary>
    public static ImmutableArray<string> Keywords { get; } = [.. Kinds.Select(k => k.Shape.Keyword)];

    /// <summary>The shape of the constraint named <paramref name="keyword"/> (exact, case-sensitive), or null when none is registered.</summary>
    public static ConstraintShape? ShapeOf(string keyword) => ByKeyword.GetValueOrDefault(keyword);

    /// <summary>The shape of <paramref name="constraint"/>'s type.</summary>
    /// <exception cref="NotSupportedException">The type has no implementation.</exception>
    public static ConstraintShape ShapeOf(PlacementConstraint constraint) => For(constraint).Shape;

    /// <summary>True when <paramref name="constraint"/>'s type has an implementation.</summary>
    public static bool IsMapped(PlacementConstraint constraint) => ByType.ContainsKey(constraint.GetType());

    /// <summary>The checker of <paramref name="constraint"/>'s type.</summary>
    /// <exception cref="NotSupportedException">The type has no implementation.</exception>
    public static IConstraintChecker Checker(PlacementConstraint constraint) => For(constraint).Checker;

    /// <summary>
    /// Whether placing a VM that <paramref name="constraint"/> does not name can break it: node-only
    /// constraints (offline) and those that keep other VMs away from their members (lonely). Placing
    /// new VMs needs these besides the new VMs' own constraints.
    /// </summary>
    /// <exception cref="NotSupportedException">The type has no implementation.</exception>
    public static bool RestrictsOtherVms(PlacementConstraint constraint) => constraint.VmIds.IsEmpty || For(constraint).Rules.RestrictsOtherVms;

    /// <exception cref="NotSupportedException">The type has no implementation.</exception>
    internal static ConstraintKind For(PlacementConstraint constraint) =>
        ByType.TryGetValue(constraint.GetType(), out var kind) ? kind : throw Unmapped(constraint);

    internal static string UnmappedMessage(PlacementConstraint constraint) => $"No implementation mapped to '{constraint.GetType().Name}'";

    private static NotSupportedException Unmapped(PlacementConstraint constraint) => new(UnmappedMessage(constraint));
}
