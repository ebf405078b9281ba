using Discovery.Placement;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Discovery.Solving;

/// <summary>
/// The solver grain: a thin shell over the placement library (VM placement). A solve is CPU-bound for up to its time limit, so it
/// runs on the silo's <see cref="SolverThreads"/>, neither on the grain scheduler nor on the shared thread pool. Reentrant: the
/// solver threads' lanes are the only queue, so a partition's solve never waits in a worker's mailbox behind admission solves.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class SolverGrain(Diagnostics.CpuAccount cpu, SolverThreads threads, ILogger<SolverGrain> logger) : Grain, ISolverGrain
{
    /// <inheritdoc />
    public Task<PlacementResult> SolveAsync(PlacementProblem problem, SolverOptions options, SolverKind solver = SolverKind.CpSat) =>
        SolveAsync(problem, options, solver, SolverLane.Partition);

    /// <inheritdoc />
    public Task<PlacementResult> SolveAdmissionAsync(PlacementProblem problem, SolverOptions options, SolverKind solver = SolverKind.CpSat) =>
        SolveAsync(problem, options, solver, SolverLane.Admission);

    private async Task<PlacementResult> SolveAsync(PlacementProblem problem, SolverOptions options, SolverKind solver, SolverLane lane)
    {
        var chosen = PlacementSolvers.For(solver);
        var result = await threads.Run(() => cpu.Solve(() => chosen.Solve(problem, options)), lane);
        logger.LogDebug("Solved {Nodes} nodes / {Vms} VMs with {Solver} ({Lane}): {Status} in {Ms} ms, {Migrations} migrations",
            problem.Nodes.Length, problem.Vms.Length, chosen.Name, lane, result.Status, result.SolveTime.TotalMilliseconds, result.Migrations);
        return result;
    }
}
