using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// A node of a placement problem: its name, capacity and site (null: unknown, never "another site").
/// <see cref="LiveCpuFree"/>, when given, is the CPU its load of the moment leaves free (negative when
/// overloaded), apart from <see cref="Capacity"/> when the problem places by allocation: the solver then
/// prefers, for VMs that declare an expected demand, the nodes where that demand fits best.
/// <see cref="FetchSeconds"/>, when given, is the time to bring each image named in the problem to this node (0 or
/// absent: it holds it): a VM of that image lands here at that cost, paid once per image and node.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.node")]
public sealed record PlacementNode(
    [property: Id(0)] string Name,
    [property: Id(1)] Resources Capacity,
    [property: Id(2)] string? Site = null,
    [property: Id(3)] int? LiveCpuFree = null,
    [property: Id(4)] System.Collections.Immutable.ImmutableDictionary<string, int>? FetchSeconds = null);
