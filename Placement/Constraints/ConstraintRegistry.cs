using Discovery.Constraints;
using Discovery.Placement.Checking;

namespace Discovery.Placement.Constraints;

/// <summary>
/// The one map from a constraint type to its implementation (checker, CP-SAT encoding, greedy and
/// landing rules, spec validation), after btrplace's mapper. The solvers, the problem index, the
/// plan builder, the checker and the validator all go through it, so an unmapped type is refused
/// everywhere instead of being silently ignored by one of them.
/// Adding a constraint = its record in Grains.Interfaces/Constraints, one folder here
/// (Constraints/&lt;Name&gt;/ with its Checker, Encoding, Rules and Validation) and one line below.
/// </summary>
public static class ConstraintRegistry
{
    private static readonly Dictionary<Type, ConstraintKind> ByType = new()
    {
        [typeof(Ban)] = new(new BanChecker(), new BanEncoding(), new BanRules(), new BanValidation()),
        [typeof(Fence)] = new(new FenceChecker(), new FenceEncoding(), new FenceRules(), new FenceValidation()),
        [typeof(Spread)] = new(new SpreadChecker(), new SpreadEncoding(), new SpreadRules(), new SpreadValidation()),
        [typeof(Latency)] = new(new LatencyChecker(), new LatencyEncoding(), new LatencyRules(), new LatencyValidation()),
        [typeof(Gather)] = new(new GatherChecker(), new GatherEncoding(), new GatherRules(), new GatherValidation()),
        [typeof(Lonely)] = new(new LonelyChecker(), new LonelyEncoding(), new LonelyRules(), new LonelyValidation()),
        [typeof(Offline)] = new(new OfflineChecker(), new OfflineEncoding(), new OfflineRules(), new OfflineValidation()),
    };

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
