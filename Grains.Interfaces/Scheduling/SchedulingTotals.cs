namespace Discovery.Scheduling;

/// <summary>
/// Partitions that ended since the event hub started (cluster-wide, in memory), by outcome, and the
/// migrations they applied: the operator page's counters.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.scheduling-totals")]
public sealed record SchedulingTotals(
    [property: Id(0)] long Solved,
    [property: Id(1)] long Vanished,
    [property: Id(2)] long GaveUp,
    [property: Id(3)] long Absorbed,
    [property: Id(4)] long Failed,
    [property: Id(5)] long Migrations)
{
    /// <summary>No partition ended yet.</summary>
    public static SchedulingTotals None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Every partition that ended, whatever its outcome.</summary>
    public long Ended => Solved + Vanished + GaveUp + Absorbed + Failed;

    /// <summary>These totals with <paramref name="notice"/> counted.</summary>
    public SchedulingTotals With(PartitionNotice notice) => (notice.Outcome switch
    {
        PartitionOutcome.Solved => this with { Solved = Solved + 1 },
        PartitionOutcome.Vanished => this with { Vanished = Vanished + 1 },
        PartitionOutcome.GaveUp => this with { GaveUp = GaveUp + 1 },
        PartitionOutcome.Absorbed => this with { Absorbed = Absorbed + 1 },
        _ => this with { Failed = Failed + 1 },
    }) with { Migrations = Migrations + notice.Migrations };
}
