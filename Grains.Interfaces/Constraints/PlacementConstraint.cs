using System.Collections.Immutable;

namespace Discovery.Constraints;

/// <summary>
/// A placement constraint after the seed's Plasma / btrplace language. A constraint is a
/// plain value naming VMs and nodes; its checker lives with the model and its CP-SAT
/// encoding with the solver, under the same name.
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
}

/// <summary><c>ban(VMs, nodes)</c>: none of the VMs may ever run on any of the nodes.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.ban")]
public sealed record Ban([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<string> Nodes) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "ban";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
}

/// <summary><c>fence(VMs, nodes)</c>: the VMs may only run on the given nodes.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.fence")]
public sealed record Fence([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<string> Nodes) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "fence";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
}

/// <summary><c>spread(VMs)</c>: no two of the VMs on the same node, not even during a migration.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.spread")]
public sealed record Spread([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "spread";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
}

/// <summary>
/// <c>latency(VMs, node groups)</c>: all the VMs within one of the node groups (btrplace's
/// <c>among</c>), e.g. one group per site so a VE stays close to its users.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.latency")]
public sealed record Latency([property: Id(0)] ImmutableArray<string> Vms, [property: Id(1)] ImmutableArray<ImmutableArray<string>> Groups) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "latency";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Groups.SelectMany(g => g);
}

/// <summary><c>gather(VMs)</c>: all the VMs on one node.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.gather")]
public sealed record Gather([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "gather";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
}

/// <summary><c>lonely(VMs)</c>: the nodes that host these VMs host no other VM.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.lonely")]
public sealed record Lonely([property: Id(0)] ImmutableArray<string> Vms) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "lonely";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => Vms;
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => [];
}

/// <summary><c>offline(nodes)</c>: the nodes must end empty (maintenance).</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.offline")]
public sealed record Offline([property: Id(0)] ImmutableArray<string> Nodes) : PlacementConstraint
{
    /// <inheritdoc />
    public override string Name => "offline";
    /// <inheritdoc />
    public override ImmutableArray<string> VmIds => [];
    /// <inheritdoc />
    public override IEnumerable<string> NodeNames => Nodes;
}
