namespace Discovery.Model;

/// <summary>The kinds of event that make a node start a partition.</summary>
public enum EventKind
{
    /// <summary>CPU or memory demand above capacity.</summary>
    Overload = 0,
    /// <summary>Load below the configured underload threshold: the node could be emptied.</summary>
    Underload = 1,
    /// <summary>An operator asked to drain the node (maintenance): it must end empty.</summary>
    Maintenance = 2,
}

/// <summary>An event detected on one node at one instant, with the load that caused it.</summary>
[GenerateSerializer, Immutable, Alias("discovery.scheduling-event")]
public sealed record SchedulingEvent(
    [property: Id(0)] string Node,
    [property: Id(1)] EventKind Kind,
    [property: Id(2)] DateTimeOffset DetectedAt,
    [property: Id(3)] Resources Demand,
    [property: Id(4)] Resources Capacity);
