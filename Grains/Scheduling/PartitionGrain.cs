using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Placement;
using Discovery.Scheduling.Protocol;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Scheduling;

/// <summary>
/// The DVMS leader of one partition (the seed's LRT scheduling layer), a thin shell over its
/// <see cref="PartitionLifecycle"/>: the protocol runs inside the one-way <see cref="StartAsync"/>;
/// lease renewal runs on an interleaved timer, and <see cref="AbsorbAsync"/> interleaves so that
/// blocked partitions can merge without deadlock. The call graph has no cycle: partitions call
/// nodes and lower-id partitions; nodes call no one but (one-way) a new partition.
/// </summary>
public sealed class PartitionGrain(
    IOverlay overlay,
    PlanJournal journal,
    SchedulingMetrics metrics,
    InfrastructureClock clock,
    DvmsOptions options,
    SiloScheduling silo,
    ILogger<PartitionGrain> logger) : Grain, IPartitionGrain
{
    private PartitionLifecycle? _lifecycle;
    private SchedulingEvent? _event;
    private string _cursor = "";
    private DateTimeOffset _startedAt;
    private TimeSpan _solverTime;
    private int _migrations;
    private ImmutableArray<Migration> _moves = []; // the plan applied in full, for subscribers
    private IGrainTimer? _renewal;
    private CancellationTokenSource? _applying; // cancelled when a lease is lost or the silo stops: no further plan step
    private TaskCompletionSource? _absorbed;

    private string Id => this.GetPrimaryKeyString();

    /// <summary>A blocked partition that met only higher ids waits this long for one of them to absorb it, then gives up.</summary>
    private TimeSpan BlockedWait => options.LeaseTimeout * 2;

    public async Task StartAsync(SchedulingEvent evt)
    {
        if (_lifecycle is not null) return; // a duplicate start
        var lifecycle = _lifecycle = new PartitionLifecycle(Id);
        _event = evt;
        _startedAt = clock.Now;
        _cursor = evt.Node;
        lifecycle.Start(evt.Node);
        silo.Entered(Id);
        // Renew at once: the initiator's self-reservation has been ageing since detection.
        _renewal = this.RegisterGrainTimer(RenewLeasesAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.LeaseRenewalPeriod,
            Interleave = true,
            KeepAlive = true,
        });

        PartitionOutcome outcome;
        string? detail;
        try
        {
            (outcome, detail) = await RunAsync(lifecycle, evt);
        }
        catch (PlanStoppedException) when (Interrupted(lifecycle) is { } stop)
        {
            (outcome, detail) = stop;
            if (lifecycle.LostLease is not null) detail += " while applying its plan: the steps not started were dropped";
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Partition {Partition}: failed", Id);
            (outcome, detail) = (PartitionOutcome.Failed, e.Message);
        }
        await FinishAsync(lifecycle, outcome, detail);
    }

    private (PartitionOutcome, string?)? Interrupted(PartitionLifecycle lifecycle) =>
        lifecycle.Interruption is { } i ? (i.Outcome, i.Detail)
        : silo.Stopping ? (PartitionOutcome.Failed, "the silo is stopping")
        : null;

    private async Task<(PartitionOutcome, string?)> RunAsync(PartitionLifecycle lifecycle, SchedulingEvent evt)
    {
        while (true)
        {
            if (Interrupted(lifecycle) is { } stop) return stop;
            if (clock.Now - _startedAt > options.MaxPartitionLifetime) return (PartitionOutcome.GaveUp, "lifetime exceeded");

            var snapshots = await Task.WhenAll(lifecycle.Nodes.ToArray().Select(n => GrainFactory.GetGrain<INodeMonitor>(n).GetSnapshotAsync()));
            var initiator = snapshots.First(s => s.Node == evt.Node);
            if (!EventDetector.StillHolds(evt.Kind, initiator, options.UnderloadThreshold)) return (PartitionOutcome.Vanished, null);

            var problem = await BuildProblemAsync(lifecycle, evt, snapshots);
            var started = clock.Timestamp();
            var result = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(problem,
                SolverOptions.Default with { TimeLimit = options.SolverTimeLimit, Workers = options.SolverWorkers }, options.Solver);
            var solveTime = clock.Since(started);
            _solverTime += solveTime;
            metrics.SolverTime.Record(solveTime.TotalMilliseconds);
            journal.RecordSolve(solveTime);

            if (Interrupted(lifecycle) is { } late) return late;
            if (result.IsSolved)
            {
                lifecycle.BeginApplying(); // from here on nobody may absorb this partition
                await ApplyAsync(problem, result);
                return (PartitionOutcome.Solved, null);
            }
            logger.LogDebug("Partition {Partition}: {Status} on {Count} nodes, growing", Id, result.Status, lifecycle.Nodes.Count);
            if (await GrowAsync(lifecycle)) continue;
            if (Interrupted(lifecycle) is { } absorbed) return absorbed;

            lifecycle.Block();
            if (await MergeAsync(lifecycle))
            {
                lifecycle.Resume();
                continue;
            }
            if (Interrupted(lifecycle) is { } whileMerging) return whileMerging;
            if (lifecycle.MetHigher && await WaitToBeAbsorbedAsync(lifecycle)) continue; // the loop's first check ends it as Absorbed
            return (PartitionOutcome.GaveUp, $"no solution on {lifecycle.Nodes.Count} node(s) and no partition to merge with");
        }
    }

    private async Task<PlacementProblem> BuildProblemAsync(PartitionLifecycle lifecycle, SchedulingEvent evt, NodeSnapshot[] snapshots)
    {
        var vms = snapshots.SelectMany(s => s.Vms).Select(v => v.Id).ToImmutableHashSet(StringComparer.Ordinal);
        var nodes = lifecycle.Nodes.ToImmutableHashSet(StringComparer.Ordinal);
        var constraints = (await GrainFactory.GetGrain<IConstraintDirectoryGrain>(0).ForAsync(vms, nodes)).ToList();
        // An underload is solved by emptying the initiator (maintenance nodes are offline already: see FromSnapshots).
        if (evt.Kind == EventKind.Underload) constraints.Add(new Offline([evt.Node]));
        return PlacementProblem.FromSnapshots(snapshots, constraints);
    }

    /// <summary>Reserves the next free node of the overlay; nodes held by other partitions are skipped (and remembered).</summary>
    private async Task<bool> GrowAsync(PartitionLifecycle lifecycle)
    {
        if (lifecycle.Nodes.Count >= options.MaxPartitionSize) return false;
        for (var steps = 0; steps < overlay.Nodes.Count; steps++)
        {
            var next = overlay.Successor(_cursor);
            if (next is null) return false;
            _cursor = next;
            if (lifecycle.Nodes.Contains(next)) continue;
            var reply = await GrainFactory.GetGrain<IReservable>(next).ReserveAsync(Id);
            if (reply.Granted)
            {
                lifecycle.Add(next); // even once absorbed: released in FinishAsync
                return lifecycle.Interruption is null;
            }
            if (reply.HeldBy is { } holder) lifecycle.Met(holder);
            if (lifecycle.Interruption is not null) return false;
        }
        return false;
    }

    /// <summary>Blocked: absorbs the lower-id partitions it met; true when it gained nodes.</summary>
    private async Task<bool> MergeAsync(PartitionLifecycle lifecycle)
    {
        var lower = lifecycle.TakeAbsorbable();
        var gained = false;
        foreach (var other in lower)
        {
            var handedOver = await GrainFactory.GetGrain<IPartitionGrain>(other).AbsorbAsync(Id);
            foreach (var n in handedOver.Where(n => !lifecycle.Nodes.Contains(n)))
            {
                lifecycle.Add(n);
                gained = true;
            }
        }
        if (gained) logger.LogInformation("Partition {Partition}: absorbed {Count} partition(s), now {Nodes} nodes", Id, lower.Count, lifecycle.Nodes.Count);
        return gained && lifecycle.Interruption is null;
    }

    /// <summary>Met only higher-id partitions: one of them absorbs this one when it blocks. True when absorbed within the wait.</summary>
    private async Task<bool> WaitToBeAbsorbedAsync(PartitionLifecycle lifecycle)
    {
        _absorbed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (lifecycle.AbsorbedBy is null)
            await Task.WhenAny(_absorbed.Task, Task.Delay(BlockedWait, clock.Time));
        _absorbed = null;
        return lifecycle.AbsorbedBy is not null;
    }

    public async Task<ImmutableArray<string>> AbsorbAsync(string absorberId)
    {
        if (_lifecycle?.TryAbsorbInto(absorberId) is not { } mine) return [];
        _absorbed?.TrySetResult();
        var handed = await Task.WhenAll(mine.Select(async n => (n, ok: await GrainFactory.GetGrain<IReservable>(n).TransferAsync(Id, absorberId))));
        return [.. handed.Where(h => h.ok).Select(h => h.n)];
    }

    public Task<(PartitionState State, ImmutableArray<string> Nodes)> GetStateAsync() =>
        Task.FromResult((_lifecycle?.State ?? PartitionState.Created, _lifecycle?.Nodes.ToImmutableArray() ?? []));

    private async Task ApplyAsync(PlacementProblem problem, PlacementResult result)
    {
        var started = clock.Now;
        // A node whose lease ran out may belong to another partition by now: no step starts after that.
        _applying = CancellationTokenSource.CreateLinkedTokenSource(silo.StoppingToken);
        var rejected = false;
        try
        {
            _migrations += await PlanExecution.ApplyAsync(GrainFactory, problem, result, metrics, logger, Id, _applying.Token, silo.StoppingToken);
            _moves = _moves.AddRange(result.Plan.Migrations);
        }
        catch (PlanExecutionException e)
        {
            _migrations += e.Landed;
            throw;
        }
        catch (PlanStoppedException e)
        {
            _migrations += e.Landed;
            throw;
        }
        catch (PlanRejectedException)
        {
            rejected = true; // nothing was applied
            throw;
        }
        finally
        {
            _applying.Dispose();
            _applying = null;
            if (!rejected) journal.Record(new AppliedPlan(Id, problem, result, started, clock.Now)); // partly applied plans count too
        }
    }

    private async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        if (_lifecycle is not { State: not PartitionState.Finished } lifecycle) return;
        var nodes = lifecycle.Nodes.ToArray();
        var renewed = await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<IReservable>(n).RenewAsync(Id)));
        for (var i = 0; i < nodes.Length; i++)
            if (!renewed[i]) lifecycle.LoseLease(nodes[i]);
        if (lifecycle.LostLease is not null && _applying is { IsCancellationRequested: false } applying) applying.Cancel();
    }

    private async Task FinishAsync(PartitionLifecycle lifecycle, PartitionOutcome outcome, string? detail)
    {
        var nodes = lifecycle.Finish();
        _renewal?.Dispose();
        // Reported before its nodes are free: whoever sees the nodes free (a test, the simulator) also sees the report.
        var evt = _event!;
        var ended = clock.Now;
        metrics.PartitionSize.Record(Math.Max(1, nodes.Count));
        switch (outcome)
        {
            case PartitionOutcome.Solved:
                metrics.EventsSolved.Add(1);
                metrics.ResolutionTime.Record((ended - evt.DetectedAt).TotalMilliseconds);
                break;
            case PartitionOutcome.Vanished: metrics.EventsVanished.Add(1); break;
            case PartitionOutcome.GaveUp or PartitionOutcome.Failed: metrics.EventsGivenUp.Add(1); break;
        }
        journal.Record(new PartitionReport(Id, evt, outcome, [.. nodes], _migrations, _startedAt, ended, _solverTime, detail));
        _ = GrainFactory.GetGrain<Environments.IEventHubGrain>(0).PublishPartitionAsync(
            new PartitionNotice(Id, evt.Node, evt.Kind, outcome, Math.Max(1, nodes.Count), _migrations, evt.DetectedAt, ended, detail, _moves)); // one-way
        logger.Log(outcome is PartitionOutcome.Solved or PartitionOutcome.Vanished or PartitionOutcome.Absorbed ? LogLevel.Information : LogLevel.Warning,
            "Partition {Partition} ({Kind} on {Node}): {Outcome} with {Count} node(s), {Migrations} migration(s) in {Seconds:0.0} s {Detail}",
            Id, evt.Kind, evt.Node, outcome, nodes.Count, _migrations, (ended - evt.DetectedAt).TotalSeconds, detail ?? "");
        // Every outcome releases every node still held: none waits for its lease to expire.
        await Task.WhenAll(nodes.Select(async n =>
        {
            try { await GrainFactory.GetGrain<IReservable>(n).ReleaseAsync(Id, outcome); }
            catch (Exception e) { logger.LogWarning(e, "Partition {Partition}: could not release {Node}; its lease will expire", Id, n); }
        }));
        silo.Left(Id);
        DeactivateOnIdle();
    }
}
