using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// A VM of a placement problem: its current demand and host. A pinned VM stays where it is
/// (e.g. it is migrating already, or it belongs to another partition's plan).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.vm")]
public sealed record PlacementVm(
    [property: Id(0)] string Id,
    [property: Id(1)] Resources Demand,
    [property: Id(2)] string Host,
    [property: Id(3)] bool Pinned = false);
