using Discovery.Model;
using Discovery.Scheduling;

namespace Discovery.Monitoring;

/// <summary>What a node grain reports about itself (operators, tests, the simulator).</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.node-status")]
public sealed record NodeStatus(
    [property: Id(0)] string Node,
    [property: Id(1)] Reservation? Reservation,
    [property: Id(2)] SchedulingEvent? PendingEvent,
    [property: Id(3)] bool Maintenance,
    [property: Id(4)] NodeSnapshot? LastSnapshot);
