namespace Discovery.Placement;

/// <summary>Limits of one solve.</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.options")]
public sealed record SolverOptions(
    [property: Id(0)] TimeSpan TimeLimit,
    [property: Id(1)] int Workers = 2,
    [property: Id(2)] int RepairCandidates = 16,
    [property: Id(3)] int FullModelMaxNodes = 64,
    [property: Id(4)] double? Headroom = null,
    [property: Id(5)] double CrossSiteWeight = 1,
    [property: Id(6)] double? Pressure = null)
{
    // Pressure: a CPU load (0.95 = 95 %) above which a node that is not overloaded must come down to the headroom
    // target too, before it overloads (the headroom target is required for it to mean anything). Null: only
    // overloaded nodes must shed load.
    // CrossSiteWeight: a migration to a node of another site costs this many times the same migration inside its site.
    // Headroom: a target CPU load (0.9 = 90 %). The objective then first keeps every node a plan touches at or
    // under it (an overloaded node is brought down to it, a node with room is not filled above it, a node already
    // above it is not made worse), then moves as little memory as possible. Null: least memory only.

    /// <summary>The DVMS reference: 2 s per partition.</summary>
    public static SolverOptions Default { get; } = new(TimeSpan.FromSeconds(2));
}
