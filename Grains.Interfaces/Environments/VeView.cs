using System.Collections.Immutable;
using Discovery.Constraints;

namespace Discovery.Environments;

/// <summary>What a VE grain reports: its state, its VMs with their states and hosts, why it is pending or failed, and its recent transitions.</summary>
[GenerateSerializer, Immutable, Alias("discovery.ve.view")]
public sealed record VeView(
    [property: Id(0)] string Id,
    [property: Id(1)] VeState State,
    [property: Id(2)] ImmutableArray<VeVm> Vms,
    [property: Id(3)] ImmutableArray<PlacementConstraint> Constraints,
    [property: Id(4)] string? Reason,
    [property: Id(5)] string? Operation,
    [property: Id(6)] ImmutableArray<VeTransition> Transitions);
