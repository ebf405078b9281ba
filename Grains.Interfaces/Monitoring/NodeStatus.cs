using Discovery.Model;
using Discovery.Scheduling;

namespace Discovery.Monitoring;

/// <summary>
/// What a node grain reports about itself (operators, tests, the simulator). <see cref="UnreachableSince"/>:
/// its hypervisor has not answered since then (infrastructure time); <see cref="Down"/>: for longer than the grace period.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.node-status")]
public sealed record NodeStatus(
    [property: Id(0)] string Node,
    [property: Id(1)] Reservation? Reservation,
    [property: Id(2)] SchedulingEvent? PendingEvent,
    [property: Id(3)] bool Maintenance,
    [property: Id(4)] NodeSnapshot? LastSnapshot,
    [property: Id(5)] bool Down = false,
    [property: Id(6)] DateTimeOffset? UnreachableSince = null);
