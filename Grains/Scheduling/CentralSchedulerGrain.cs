using System.Collections.Immutable;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Placement;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Scheduling;

/// <summary>
/// The centralized baseline: snapshot every node of the scope, solve the whole scope with the same
/// CP-SAT solver as partitions, apply the plan, start over. Each node found overloaded in a round
/// counts as one event, resolved when the round's plan has been applied. With a pressure threshold, a
/// node above it (not overloaded) also starts a round and counts as a pressure event: the solver brings
/// it down to the headroom target when it can, as a DVMS partition would.
/// </summary>
public sealed class CentralSchedulerGrain(
    PlanJournal journal,
    SchedulingMetrics metrics,
    InfrastructureClock clock,
    DvmsOptions options,
    SiloScheduling silo,
    ILogger<CentralSchedulerGrain> logger) : Grain, ICentralSchedulerGrain
{
    private readonly Dictionary<string, DateTimeOffset> _overloadedSince = new(StringComparer.Ordinal);
    private IGrainTimer? _rounds;
    private bool _inRound;
    private long _round;
    private ImmutableArray<string> _nodes = [];
    private TimeSpan _solverTimeLimit;

    private string Scope => this.GetPrimaryKeyString();

    public Task RunAsync(ImmutableArray<string> nodes, TimeSpan solverTimeLimit)
    {
        if (_rounds is not null) return Task.CompletedTask;
        (_nodes, _solverTimeLimit) = (nodes, solverTimeLimit);
        _rounds = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.MonitoringPeriod,
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (silo.Stopping) return;
        _inRound = true;
        silo.Entered($"central/{Scope}");
        try
        {
            // A round with work is followed at once by the next; an idle one waits a monitoring period.
            if (await RoundAsync(_nodes, _solverTimeLimit)) _rounds?.Change(TimeSpan.Zero, options.MonitoringPeriod);
        }
        catch (PlanStoppedException) when (silo.Stopping)
        {
            logger.LogInformation("Central scheduler {Scope}: round {Round} stopped with the silo", Scope, _round);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Central scheduler {Scope}: round {Round} failed", Scope, _round);
        }
        finally
        {
            _inRound = false;
            silo.Left($"central/{Scope}");
        }
    }

    /// <summary>One round; false when there was nothing to do.</summary>
    private async Task<bool> RoundAsync(ImmutableArray<string> nodes, TimeSpan solverTimeLimit)
    {
        _round++;
        // Fail: a round solves the whole scope or nothing (a plan over part of it could fill a node it did not see); TickAsync logs it.
        var snapshots = await FanOut.AllAsync(nodes, n => GrainFactory.GetGrain<INodeGrain>(n).GetSnapshotAsync(), options.FanOutWidth);
        var now = clock.Now;
        var overloaded = snapshots.Where(s => s.Overloaded).ToList();
        var pressured = options.EffectivePressure is { } pressure ? snapshots.Where(s => !s.Overloaded && s.CpuLoad > pressure).ToList() : [];
        var triggered = overloaded.Concat(pressured).ToList();
        foreach (var gone in _overloadedSince.Keys.Except(triggered.Select(s => s.Node)).ToList()) _overloadedSince.Remove(gone);
        foreach (var s in triggered) _overloadedSince.TryAdd(s.Node, now);
        if (triggered.Count == 0) return false;

        var started = clock.Timestamp();
        var roundStart = clock.Now;
        var problem = PlacementProblem.FromSnapshots(snapshots, await GrainFactory.ConstraintDirectory().AllAsync());
        var result = await GrainFactory.Solver().SolveAsync(problem,
            options.SolverOptionsFor(clock.ToWall(solverTimeLimit), 2), options.Solver);
        var solveTime = clock.Since(started);
        journal.RecordSolve(solveTime);
        metrics.SolverTime.Record(solveTime.TotalMilliseconds);

        var migrations = 0;
        var solved = result.IsSolved;
        if (solved)
        {
            try
            {
                migrations = await PlanExecution.ApplyAsync(GrainFactory, problem, result, metrics, logger, $"{Scope}-{_round}", silo.StoppingToken, silo.StoppingToken);
                journal.Record(new AppliedPlan($"{Scope}-{_round}", problem, result, roundStart, clock.Now));
            }
            catch (PlanExecutionException e)
            {
                migrations = e.Landed;
                logger.LogWarning(e, "Central scheduler {Scope}: plan of round {Round} stopped", Scope, _round);
                journal.Record(new AppliedPlan($"{Scope}-{_round}", problem, result, roundStart, clock.Now));
            }
            catch (PlanRejectedException)
            {
                solved = false; // logged with its violations by PlanExecution; nothing was applied
            }
        }

        var ended = clock.Now;
        var relieved = solved ? Relieved(problem, result) : [];
        foreach (var snapshot in triggered)
        {
            var node = snapshot.Node;
            var evt = new SchedulingEvent(node, snapshot.Overloaded ? EventKind.Overload : EventKind.Pressure, _overloadedSince[node], snapshot.Demand, snapshot.Capacity);
            // A pressure counts as solved only when the plan brought the node under the headroom target.
            var outcome = solved && (snapshot.Overloaded || relieved.Contains(node)) ? PartitionOutcome.Solved : PartitionOutcome.GaveUp;
            metrics.EventsDetected.Add(1);
            if (outcome == PartitionOutcome.Solved)
            {
                metrics.EventsSolved.Add(1);
                metrics.ResolutionTime.Record((ended - evt.DetectedAt).TotalMilliseconds);
                _overloadedSince.Remove(node);
            }
            journal.Record(new PartitionReport($"{Scope}-{_round}-{node}", evt, outcome, nodes, migrations, roundStart, ended, solveTime,
                outcome == PartitionOutcome.Solved ? null
                : solved ? $"pressure: no plan brings it under the headroom target of {options.HeadroomTarget * 100:0} %"
                : result.Detail ?? "plan rejected by the checker"));
        }
        logger.LogInformation("Central scheduler {Scope}: round {Round}, {Overloaded} overloaded, {Pressured} pressured, {Status} in {Solve:0.0} s, {Migrations} migrations",
            Scope, _round, overloaded.Count, pressured.Count, result.Status, solveTime.TotalSeconds, migrations);
        return true;
    }

    /// <summary>Nodes the plan's target leaves at or under the headroom target.</summary>
    private HashSet<string> Relieved(PlacementProblem problem, PlacementResult result)
    {
        if (options.HeadroomTarget is not { } target) return [];
        var cpu = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var vm in problem.Vms)
            if (result.Target.TryGetValue(vm.Id, out var host)) cpu[host] = cpu.GetValueOrDefault(host) + vm.Demand.Cpu;
        return problem.Nodes.Where(n => cpu.GetValueOrDefault(n.Name) <= target * n.Capacity.Cpu).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
    }

    public Task StopAsync()
    {
        _rounds?.Dispose();
        _rounds = null;
        return Task.CompletedTask;
    }

    public Task<bool> IsRunningAsync() => Task.FromResult(_rounds is not null || _inRound);
}
