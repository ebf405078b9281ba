using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary>
/// A placement constraint after the seed's Plasma / btrplace language. A constraint is a
/// plain value naming VMs and nodes, one record per file in this folder. Its checker, CP-SAT
/// encoding, greedy and landing rules and spec validation live in the placement library, in
/// Placement/Constraints/&lt;Name&gt;/, and are found through <c>ConstraintRegistry</c>
/// (Discovery.Placement.Constraints).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint")]
public abstract record PlacementConstraint
{
    /// <summary>The constraint's name in the DSL and in error messages (ban, fence, ...).</summary>
    public abstract string Name { get; }

    /// <summary>VMs this constraint names (empty for node-only constraints such as offline).</summary>
    public abstract ImmutableArray<string> VmIds { get; }

    /// <summary>Nodes this constraint names, all groups flattened.</summary>
    public abstract IEnumerable<string> NodeNames { get; }

    /// <summary>The same constraint with every VM renamed (a VE's VM names become hypervisor ids).</summary>
    public abstract PlacementConstraint RenameVms(Func<string, string> rename);
}
