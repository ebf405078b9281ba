using Discovery.Model;

namespace Discovery.Placement;

/// <summary>A node of a placement problem: its name, capacity and site (null: unknown, never "another site").</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.node")]
public sealed record PlacementNode([property: Id(0)] string Name, [property: Id(1)] Resources Capacity, [property: Id(2)] string? Site = null);
