namespace Discovery.Placement;

/// <summary>Limits of one solve.</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.options")]
public sealed record SolverOptions(
    [property: Id(0)] TimeSpan TimeLimit,
    [property: Id(1)] int Workers = 2,
    [property: Id(2)] int RepairCandidates = 16,
    [property: Id(3)] int FullModelMaxNodes = 64)
{
    /// <summary>The DVMS reference: 2 s per partition.</summary>
    public static SolverOptions Default { get; } = new(TimeSpan.FromSeconds(2));
}
