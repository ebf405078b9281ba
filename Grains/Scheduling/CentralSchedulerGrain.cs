using System.Collections.Immutable;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Scheduling;

/// <summary>
/// The centralized baseline: snapshot every node of the scope, solve the whole scope with the same
/// CP-SAT solver as partitions, apply the plan, start over. Each node found overloaded in a round
/// counts as one event, resolved when the round's plan has been applied.
/// </summary>
public sealed class CentralSchedulerGrain(
    ConstraintCatalog catalog,
    PlanJournal journal,
    SchedulingMetrics metrics,
    InfrastructureClock clock,
    DvmsOptions options,
    ILogger<CentralSchedulerGrain> logger) : Grain, ICentralSchedulerGrain
{
    private readonly Dictionary<string, DateTimeOffset> _overloadedSince = new(StringComparer.Ordinal);
    private volatile bool _stop;
    private bool _running;
    private long _round;

    private string Scope => this.GetPrimaryKeyString();

    public async Task RunAsync(ImmutableArray<string> nodes, TimeSpan solverTimeLimit)
    {
        if (_running) return;
        _running = true;
        _stop = false;
        try
        {
            while (!_stop)
            {
                try
                {
                    if (!await RoundAsync(nodes, solverTimeLimit))
                        await Task.Delay(options.MonitoringPeriod, clock.Time);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Central scheduler {Scope}: round {Round} failed", Scope, _round);
                    await Task.Delay(options.MonitoringPeriod, clock.Time);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>One round; false when there was nothing to do.</summary>
    private async Task<bool> RoundAsync(ImmutableArray<string> nodes, TimeSpan solverTimeLimit)
    {
        _round++;
        var snapshots = new List<NodeSnapshot>(nodes.Length);
        foreach (var chunk in nodes.Chunk(512))
            snapshots.AddRange(await Task.WhenAll(chunk.Select(n => GrainFactory.GetGrain<INodeGrain>(n).GetSnapshotAsync())));
        var now = clock.Now;
        var overloaded = snapshots.Where(s => s.Overloaded).ToList();
        foreach (var gone in _overloadedSince.Keys.Except(overloaded.Select(s => s.Node)).ToList()) _overloadedSince.Remove(gone);
        foreach (var s in overloaded) _overloadedSince.TryAdd(s.Node, now);
        if (overloaded.Count == 0) return false;

        var started = clock.Timestamp();
        var roundStart = clock.Now;
        var problem = PlacementProblem.FromSnapshots(snapshots, catalog.All);
        var result = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(problem,
            SolverOptions.Default with { TimeLimit = solverTimeLimit, Workers = 2 }, options.Solver);
        var solveTime = clock.Since(started);
        journal.RecordSolve(solveTime);
        metrics.SolverTime.Record(solveTime.TotalMilliseconds);

        var migrations = 0;
        if (result.IsSolved)
        {
            try
            {
                migrations = await PlanExecution.ApplyAsync(GrainFactory, result.Plan, metrics);
            }
            catch (PlanExecutionException e)
            {
                migrations = e.Landed;
                logger.LogWarning(e, "Central scheduler {Scope}: plan of round {Round} stopped", Scope, _round);
            }
            journal.Record(new AppliedPlan($"{Scope}-{_round}", problem, result, roundStart, clock.Now));
        }

        var ended = clock.Now;
        var outcome = result.IsSolved ? PartitionOutcome.Solved : PartitionOutcome.GaveUp;
        foreach (var snapshot in overloaded)
        {
            var node = snapshot.Node;
            var evt = new SchedulingEvent(node, EventKind.Overload, _overloadedSince[node], snapshot.Demand, snapshot.Capacity);
            metrics.EventsDetected.Add(1);
            if (outcome == PartitionOutcome.Solved)
            {
                metrics.EventsSolved.Add(1);
                metrics.ResolutionTime.Record((ended - evt.DetectedAt).TotalMilliseconds);
                _overloadedSince.Remove(node);
            }
            journal.Record(new PartitionReport($"{Scope}-{_round}-{node}", evt, outcome, nodes, migrations, roundStart, ended, solveTime,
                result.IsSolved ? null : result.Detail));
        }
        logger.LogInformation("Central scheduler {Scope}: round {Round}, {Overloaded} overloaded, {Status} in {Solve:0.0} s, {Migrations} migrations",
            Scope, _round, overloaded.Count, result.Status, solveTime.TotalSeconds, migrations);
        return true;
    }

    public Task StopAsync()
    {
        _stop = true;
        return Task.CompletedTask;
    }

    public Task<bool> IsRunningAsync() => Task.FromResult(_running);
}
