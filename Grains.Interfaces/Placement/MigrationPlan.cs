using System.Collections.Immutable;

namespace Discovery.Placement;

/// <summary>One VM moving from one node to another; it holds resources on both until it lands.</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.migration")]
public sealed record Migration(
    [property: Id(0)] string Vm,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] int MemoryMiB);

/// <summary>Migrations that run in parallel; the next step starts when all of them have landed.</summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.plan-step")]
public sealed record PlanStep([property: Id(0)] ImmutableArray<Migration> Migrations);

/// <summary>
/// The ordered migrations that take a set of nodes from its current placement to a target one,
/// every intermediate state viable. A VM moved through a pivot node appears twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.plan")]
public sealed record MigrationPlan([property: Id(0)] ImmutableArray<PlanStep> Steps)
{
    /// <summary>The plan that does nothing.</summary>
    public static MigrationPlan Empty { get; } = new(ImmutableArray<PlanStep>.Empty);

    /// <summary>Every migration, in execution order.</summary>
    public IEnumerable<Migration> Migrations => Steps.SelectMany(s => s.Migrations);

    /// <summary>Number of migrations (pivots count twice).</summary>
    public int MigrationCount => Steps.Sum(s => s.Migrations.Length);

    /// <summary>Memory moved over the network, MiB: the migration cost.</summary>
    public long MovedMiB => Steps.Sum(s => s.Migrations.Sum(m => (long)m.MemoryMiB));
}

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
    [property: Id(6)] string? Detail = null)
{
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
