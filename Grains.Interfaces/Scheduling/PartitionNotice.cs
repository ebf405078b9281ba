using Discovery.Model;

namespace Discovery.Scheduling;

/// <summary>
/// A scheduling event as subscribers see it: one DVMS partition that ended, with the event that started
/// it, its outcome, its size, the migrations it applied and how long the event lasted. <see cref="Moves"/> lists the
/// migrations of a plan applied in full (empty when a failure cut the plan short: <see cref="Migrations"/> still counts those that landed).
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
    [property: Id(8)] string? Detail,
    [property: Id(9)] System.Collections.Immutable.ImmutableArray<Placement.Migration> Moves = default)
{
    /// <summary>Each move as <c>vm from→to</c>, in execution order.</summary>
    public string MovesText => Moves.IsDefaultOrEmpty ? "" : string.Join(", ", Moves.Select(m => $"{m.Vm} {m.From}→{m.To}"));

    /// <inheritdoc />
    public override string ToString() =>
        $"{EndedAt:HH:mm:ss.fff} partition {Partition}: {Kind} on {Node}: {Outcome} with {Nodes} node(s), {Migrations} migration(s) in {(EndedAt - DetectedAt).TotalSeconds:0.0} s{(Detail is null ? "" : $" ({Detail})")}";
}
