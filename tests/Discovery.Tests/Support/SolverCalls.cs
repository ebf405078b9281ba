using System.Collections.Concurrent;
using Discovery.Placement;
using Discovery.Solving;

namespace Discovery.Tests.Support;

/// <summary>
/// Records every <see cref="ISolverGrain.SolveAsync"/> call a silo receives (problem and options, as sent), through
/// an incoming grain call filter: what the schedulers really pass to the solver, with the solver itself unchanged.
/// </summary>
public sealed class SolverCalls
{
    private readonly ConcurrentQueue<(PlacementProblem Problem, SolverOptions Options)> _calls = new();

    /// <summary>Calls so far whose problem names <paramref name="node"/> (the silo's warm-up solve does not).</summary>
    public IReadOnlyList<(PlacementProblem Problem, SolverOptions Options)> Naming(string node) =>
        [.. _calls.Where(c => c.Problem.Nodes.Any(n => n.Name == node))];

    /// <summary>Adds the recording filter to <paramref name="silo"/>.</summary>
    public void AddTo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(async context =>
    {
        // Only ISolverGrain's solves (partition and admission) take a problem and solver options.
        if (context.Request.GetArgumentCount() >= 2 && context.Request.GetArgument(0) is PlacementProblem problem
            && context.Request.GetArgument(1) is SolverOptions options)
            _calls.Enqueue((problem, options));
        await context.Invoke();
    });
}
