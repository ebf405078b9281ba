using Discovery.Model;

namespace Discovery.Scheduling;

/// <summary>
/// A scheduling event as subscribers see it: one DVMS partition that ended, with the event that started
/// it, its outcome, its size, the migrations it applied and how long the event lasted.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.partition-notice")]
public sealed record PartitionNotice(
    [property: Id(0)] string Partition,
    [property: Id(1)] string Node,
    [property: Id(2)] EventKind Kind,
    [property: Id(3)] PartitionOutcome Outcome,
    [property: Id(4)] int Nodes,
    [property: Id(5)] int Migrations,
    [property: Id(6)] DateTimeOffset DetectedAt,
    [property: Id(7)] DateTimeOffset EndedAt,
    [property: Id(8)] string? Detail)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{EndedAt:HH:mm:ss.fff} partition {Partition}: {Kind} on {Node}: {Outcome} with {Nodes} node(s), {Migrations} migration(s) in {(EndedAt - DetectedAt).TotalSeconds:0.0} s{(Detail is null ? "" : $" ({Detail})")}";
}
