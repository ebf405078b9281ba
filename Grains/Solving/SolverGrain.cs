using Discovery.Placement;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Discovery.Solving;

/// <summary>
/// The solver grain: a thin shell over the placement library (VM placement). A solve is CPU-bound for up to its time limit, so it
/// runs on the silo's <see cref="SolverThreads"/>, neither on the grain scheduler nor on the shared thread pool.
/// </summary>
[StatelessWorker]
public sealed class SolverGrain(Diagnostics.CpuAccount cpu, SolverThreads threads, ILogger<SolverGrain> logger) : Grain, ISolverGrain
{
    /// <inheritdoc />
    public async Task<PlacementResult> SolveAsync(PlacementProblem problem, SolverOptions options, SolverKind solver = SolverKind.CpSat)
    {
        var chosen = PlacementSolvers.For(solver);
        var result = await threads.Run(() => cpu.Solve(() => chosen.Solve(problem, options)));
        logger.LogDebug("Solved {Nodes} nodes / {Vms} VMs with {Solver}: {Status} in {Ms} ms, {Migrations} migrations",
            problem.Nodes.Length, problem.Vms.Length, chosen.Name, result.Status, result.SolveTime.TotalMilliseconds, result.Migrations);
        return result;
    }
}
