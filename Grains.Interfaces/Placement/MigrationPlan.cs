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
