using System.Collections.Immutable;

namespace Discovery.Placement;

/// <summary>Outcome of a solve.</summary>
public enum PlacementStatus
{
    /// <summary>A viable target and a safe plan were found (maybe not proven optimal: see <see cref="PlacementResult.Optimal"/>).</summary>
    Solved,
    /// <summary>The problem has no viable placement within its nodes: grow the partition.</summary>
    NoSolution,
    /// <summary>The time limit passed before any viable placement was found.</summary>
    TimedOut,
    /// <summary>A viable target exists but no safe migration order was found, even through a pivot.</summary>
    NoSafePlan,
    /// <summary>The problem itself is malformed (see <see cref="PlacementResult.Detail"/>).</summary>
    Invalid,
}

/// <summary>What a solver returns: status, target placement, plan and costs.</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.result")]
public sealed record PlacementResult(
    [property: Id(0)] PlacementStatus Status,
    [property: Id(1)] ImmutableDictionary<string, string> Target,
    [property: Id(2)] MigrationPlan Plan,
    [property: Id(3)] TimeSpan SolveTime,
    [property: Id(4)] bool Optimal,
    [property: Id(5)] string Solver,
    [property: Id(6)] string? Detail = null,
    [property: Id(7)] long HeadroomExcess = 0)
{
    /// <summary>
    /// With a headroom target (<see cref="SolverOptions.Headroom"/>): CPU units the target placement leaves above
    /// its node's threshold, summed over the problem's nodes (an untouched node is never above it); 0 when every node has
    /// its headroom (or no target was set).
    /// </summary>
    public bool LacksHeadroom => HeadroomExcess > 0;

    /// <summary>True when a viable target and a safe plan are available.</summary>
    public bool IsSolved => Status == PlacementStatus.Solved;

    /// <summary>Memory moved by the plan, MiB.</summary>
    public long MovedMiB => Plan.MovedMiB;

    /// <summary>Number of migrations of the plan.</summary>
    public int Migrations => Plan.MigrationCount;

    /// <summary>A result without placement.</summary>
    public static PlacementResult Failed(PlacementStatus status, TimeSpan solveTime, string solver, string detail) =>
        new(status, ImmutableDictionary<string, string>.Empty, MigrationPlan.Empty, solveTime, false, solver, detail);
}
