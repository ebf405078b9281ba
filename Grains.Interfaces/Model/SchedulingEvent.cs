namespace Discovery.Model;

/// <summary>An event detected on one node at one instant, with the load that caused it.</summary>
[GenerateSerializer, Immutable, Alias("discovery.scheduling-event")]
public sealed record SchedulingEvent(
    [property: Id(0)] string Node,
    [property: Id(1)] EventKind Kind,
    [property: Id(2)] DateTimeOffset DetectedAt,
    [property: Id(3)] Resources Demand,
    [property: Id(4)] Resources Capacity);
