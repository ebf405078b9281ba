using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// A node of a placement problem: its name, capacity and site (null: unknown, never "another site").
/// <see cref="LiveCpuFree"/>, when given, is the CPU its load of the moment leaves free (negative when
/// overloaded), apart from <see cref="Capacity"/> when the problem places by allocation: the solver then
/// prefers, for VMs that declare an expected demand, the nodes where that demand fits best.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.node")]
public sealed record PlacementNode(
    [property: Id(0)] string Name,
    [property: Id(1)] Resources Capacity,
    [property: Id(2)] string? Site = null,
    [property: Id(3)] int? LiveCpuFree = null);
