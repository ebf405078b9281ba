using Discovery.Model;

namespace Discovery.Placement;

/// <summary>A node of a placement problem: its name and capacity.</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.node")]
public sealed record PlacementNode([property: Id(0)] string Name, [property: Id(1)] Resources Capacity);
