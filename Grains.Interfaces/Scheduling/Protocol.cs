using System.Collections.Immutable;
using Discovery.Model;

namespace Discovery.Scheduling;

// The DVMS protocol in one place: the partition's states and outcomes, and the messages
// exchanged between nodes (role IReservable) and partition grains (leaders, IPartitionGrain).
// The state machines behind them are plain classes in Grains/Scheduling/Protocol: PartitionLifecycle
// (leader's states), PartitionGrowth (which node to reserve next, headroom), RenewalPacing (late
// renewals) on the leader side, and ReservationLease on the node side.
//
//   node detects an event, is not reserved   -> reserves itself for a new partition, Start(event) one-way
//     events: overload, maintenance, underload (when configured) and pressure: a node above the pressure
//     threshold though not overloaded (only with a headroom target), to be brought down to the target
//   partition: Growing  -- snapshot nodes; the event no longer holds --> Finished(Vanished)
//              Growing  -- solve --> Applying (plan found) -> Finished(Solved); the nodes the plan
//                                          leaves alone are Released at once
//              Growing  -- plan leaves a node above the headroom target --> headroom growth: Reserve up to
//                                          HeadroomGrowth more nodes, each with room for what the initiator must
//                                          shed (one granted without room is Released at once, at most
//                                          2 x HeadroomGrowth per growth), and solve again; when that is spent or
//                                          finds nothing, an overload applies the plan, a pressure ends GaveUp
//              Growing  -- no solution --> Reserve(next node on the overlay); a node held by
//                                          another partition is skipped (shortcut). A pressure grows only with
//                                          nodes that have room, and neither merges nor waits: GaveUp
//              Growing  -- went round the overlay, or reached MaxPartitionSize --> Blocked -> Absorb(lower-id
//                                          partitions it met): the absorbed one Transfers its nodes and ends
//                                          Absorbed; the absorber grows again. Met only higher ids: wait
//                                          (bounded) to be absorbed. Met none, or the wait ran out: Finished(GaveUp)
//   every partition renews its nodes' leases (Renew) while alive and Releases them at the end; a renewal
//   more than half a lease late holds growth back until one comes on time (none within two periods: it
//   stops growing); a node drops a reservation whose leader has been silent for the lease timeout.

/// <summary>States of a partition (the DVMS leader), in protocol order.</summary>
public enum PartitionState
{
    /// <summary>Activated, not started.</summary>
    Created,
    /// <summary>Snapshotting its nodes, solving, reserving the next node when there is no solution.</summary>
    Growing,
    /// <summary>Went round the overlay without a solution: merging with the partitions it met, or giving up.</summary>
    Blocked,
    /// <summary>Applying its plan: no other partition may absorb it any more.</summary>
    Applying,
    /// <summary>Done; every node released (or handed over to the absorbing partition).</summary>
    Finished,
}

/// <summary>How a partition ended.</summary>
public enum PartitionOutcome
{
    /// <summary>A plan was applied: the event is solved.</summary>
    Solved,
    /// <summary>The event had disappeared by the time the partition looked (load went down).</summary>
    Vanished,
    /// <summary>No solution anywhere reachable and nobody to merge with: released everything.</summary>
    GaveUp,
    /// <summary>Another (higher-id) partition took its nodes over.</summary>
    Absorbed,
    /// <summary>A migration or a call failed; nodes released, the event will be detected again.</summary>
    Failed,
}

/// <summary>A node's reservation by a partition, with the last time the leader renewed it.</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.reservation")]
public sealed record Reservation([property: Id(0)] string PartitionId, [property: Id(1)] DateTimeOffset RenewedAt);

/// <summary>Answer to a reservation request: granted, or held by another partition (the shortcut).</summary>
/// <param name="Granted">The node is this partition's now.</param>
/// <param name="HeldBy">When refused, the partition that holds the node.</param>
/// <param name="CpuLoad">
/// When granted, the node's CPU load as its grain sees it, so that a partition looking for headroom can hand back
/// at once a node that has none.
/// </param>
/// <param name="CpuCapacity">When granted, the node's CPU capacity, so that the partition knows how much its room under a target holds.</param>
[GenerateSerializer, Immutable, Alias("discovery.dvms.reserve-reply")]
public sealed record ReserveReply([property: Id(0)] bool Granted, [property: Id(1)] string? HeldBy, [property: Id(2)] double? CpuLoad = null,
    [property: Id(3)] int? CpuCapacity = null)
{
    /// <summary>The reservation is granted.</summary>
    public static ReserveReply Grant { get; } = new(true, null);
}

/// <summary>What a partition reports when it ends.</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.partition-report")]
public sealed record PartitionReport(
    [property: Id(0)] string PartitionId,
    [property: Id(1)] SchedulingEvent Event,
    [property: Id(2)] PartitionOutcome Outcome,
    [property: Id(3)] ImmutableArray<string> Nodes,
    [property: Id(4)] int Migrations,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset EndedAt,
    [property: Id(7)] TimeSpan SolverTime,
    [property: Id(8)] string? Detail);

/// <summary>Builds sortable partition ids: DVMS lets the higher id absorb the lower one.</summary>
public static class PartitionIds
{
    /// <summary>Detection time first (older partitions have lower ids), then the initiator for uniqueness.</summary>
    public static string New(string initiator, DateTimeOffset detectedAt, long sequence) =>
        $"{detectedAt.UtcTicks:D19}-{sequence:D6}-{initiator}";

    /// <summary>The node whose event started partition <paramref name="id"/> (its leader's origin), or the id itself when it is not one of <see cref="New"/>'s.</summary>
    public static string Initiator(string id)
    {
        var first = id.IndexOf('-');
        var second = first < 0 ? -1 : id.IndexOf('-', first + 1);
        return second < 0 ? id : id[(second + 1)..];
    }
}
