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
using Orleans.Placement;

namespace Discovery.Scheduling;

/// <summary>
/// The DVMS leader of one partition (the seed's LRT scheduling layer), a thin shell over its
/// <see cref="PartitionLifecycle"/>: the protocol runs inside the one-way <see cref="StartAsync"/>;
/// lease renewal runs on an interleaved timer, and <see cref="AbsorbAsync"/> interleaves so that
/// blocked partitions can merge without deadlock. The call graph has no cycle: partitions call
/// nodes and lower-id partitions; nodes call no one but (one-way) a new partition.
/// It grows along its initiator's walk of the cluster-wide overlay (its site first, then the nearest
/// sites), reserving nodes of any silo. It is placed on its initiator's silo, deliberately: its first and
/// most frequent calls go to that site's nodes, whose grains live there, and the silo that admitted it
/// (<see cref="SiloScheduling.TryAdmit"/>) is the one that counts it as deciding.
/// </summary>
[PreferLocalPlacement]
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
    private string? _cursor; // where growth stands on its initiator's walk of the overlay
    private DateTimeOffset _startedAt;
    private TimeSpan _solverTime;
    private int _migrations;
    private ImmutableArray<Migration> _moves = []; // the plan applied in full, for subscribers
    private IGrainTimer? _renewal;
    private CancellationTokenSource? _applying; // cancelled when a lease is lost or the silo stops: no further plan step
    private TaskCompletionSource? _absorbed;
    private int _headroomGrowth; // nodes added only to find a plan with headroom
    private long _shed; // CPU the initiator must shed to come down to the headroom target, as last read
    private DateTimeOffset _lastRenewal;
    private bool _starved; // the last renewal came late: the machine does not keep up, growth waits
    private TaskCompletionSource? _timelyRenewal;
    private bool _stoppedStarving; // growth stopped because renewals kept coming late
    private readonly HashSet<string> _skip = new(StringComparer.Ordinal); // nodes of partitions met: growth jumps past them
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal); // partitions already asked for their nodes
    private readonly List<string> _bystanders = []; // nodes held until the plan, which left them alone: reported, released early

    private string Id => this.GetPrimaryKeyString();

    /// <summary>A blocked partition that met only higher ids waits this long for one of them to absorb it, then gives up.</summary>
    private TimeSpan BlockedWait => options.LeaseTimeout * 2;

    public async Task StartAsync(SchedulingEvent evt)
    {
        if (_lifecycle is not null) return; // a duplicate start
        var lifecycle = _lifecycle = new PartitionLifecycle(Id);
        _event = evt;
        _startedAt = clock.Now;
        _lastRenewal = clock.Now;
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
            _shed = options.HeadroomTarget is { } goal ? Math.Max(0, initiator.Demand.Cpu - (long)Math.Floor(goal * initiator.Capacity.Cpu)) : 0;
            if (!EventDetector.StillHolds(evt.Kind, initiator, options.UnderloadThreshold, options.EffectivePressure)) return (PartitionOutcome.Vanished, null);

            // No event is solved on its initiator alone (an overloaded node cannot shrink its VMs; an underloaded or
            // drained one must send them somewhere): it grows before asking the solver anything.
            if (lifecycle.Nodes.Count > 1)
            {
                var problem = await BuildProblemAsync(lifecycle, evt, snapshots);
                var started = clock.Timestamp();
                var result = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(problem,
                    options.SolverOptionsFor(clock.ToWall(options.SolverTimeLimit), options.SolverWorkers), options.Solver);
                var solveTime = clock.Since(started);
                _solverTime += solveTime;
                metrics.SolverTime.Record(solveTime.TotalMilliseconds);
                journal.RecordSolve(solveTime);

                if (Interrupted(lifecycle) is { } late) return late;
                if (result.IsSolved)
                {
                    // A plan that fills a node past the headroom target: a few more nodes may offer one that does not.
                    if (result.LacksHeadroom && _headroomGrowth < options.HeadroomGrowth && await GrowAsync(lifecycle, forHeadroom: true))
                    {
                        _headroomGrowth++;
                        continue;
                    }
                    if (Interrupted(lifecycle) is { } whileGrowing) return whileGrowing;
                    // A pressure is relieved only by a plan with headroom: any other would be churn for nothing.
                    if (evt.Kind == EventKind.Pressure && result.LacksHeadroom) return (PartitionOutcome.GaveUp, NoRelief(lifecycle));
                    // From here on nobody may absorb this partition; the nodes its plan leaves alone are free at once.
                    _bystanders.AddRange(lifecycle.BeginApplying(Involved(problem, result)));
                    await Task.WhenAll(_bystanders.Select(n => GrainFactory.GetGrain<IReservable>(n).ReleaseAsync(Id, PartitionOutcome.Solved)));
                    silo.Decided(Id);
                    await ApplyAsync(problem, result);
                    return (PartitionOutcome.Solved, null);
                }
                if (evt.Kind == EventKind.Pressure) return (PartitionOutcome.GaveUp, $"{NoRelief(lifecycle)} ({result.Status})");
                logger.LogDebug("Partition {Partition}: {Status} on {Count} nodes, growing", Id, result.Status, lifecycle.Nodes.Count);
            }
            // A pressure (not an overload yet) takes only nodes with headroom, and neither merges nor waits: it gives up at once.
            if (await GrowAsync(lifecycle, forHeadroom: evt.Kind == EventKind.Pressure)) continue;
            if (Interrupted(lifecycle) is { } absorbed) return absorbed;
            if (evt.Kind == EventKind.Pressure) return (PartitionOutcome.GaveUp, NoRelief(lifecycle));

            lifecycle.Block();
            if (await MergeAsync(lifecycle))
            {
                lifecycle.Resume();
                continue;
            }
            if (Interrupted(lifecycle) is { } whileMerging) return whileMerging;
            if (lifecycle.MetHigher && await WaitToBeAbsorbedAsync(lifecycle)) continue; // the loop's first check ends it as Absorbed
            return (PartitionOutcome.GaveUp, lifecycle.Nodes.Count >= options.MaxPartitionSize
                ? $"no solution within the partition size cap of {options.MaxPartitionSize} nodes (MaxPartitionSize)"
                : _stoppedStarving ? $"no solution on {lifecycle.Nodes.Count} node(s); stopped growing: its lease renewals kept coming late (the silo does not keep up)"
                : $"no solution on {lifecycle.Nodes.Count} node(s) and no partition to merge with");
        }
    }

    /// <summary>
    /// The nodes a plan involves (sources and destinations), or null (keep every node) when a constraint other than
    /// offline is in the problem: its members on other nodes may matter to the plan's safety.
    /// </summary>
    private static HashSet<string>? Involved(PlacementProblem problem, PlacementResult result) =>
        problem.Constraints.Any(c => c is not Offline) ? null
        : result.Plan.Migrations.SelectMany(m => new[] { m.From, m.To }).ToHashSet(StringComparer.Ordinal);

    private string NoRelief(PartitionLifecycle lifecycle) =>
        $"pressure: no plan brings it under the headroom target of {options.HeadroomTarget * 100:0} % on {lifecycle.Nodes.Count} node(s)";

    private async Task<PlacementProblem> BuildProblemAsync(PartitionLifecycle lifecycle, SchedulingEvent evt, NodeSnapshot[] snapshots)
    {
        var vms = snapshots.SelectMany(s => s.Vms).Select(v => v.Id).ToImmutableHashSet(StringComparer.Ordinal);
        var nodes = lifecycle.Nodes.ToImmutableHashSet(StringComparer.Ordinal);
        var constraints = (await GrainFactory.GetGrain<IConstraintDirectoryGrain>(0).ForAsync(vms, nodes)).ToList();
        // An underload is solved by emptying the initiator (maintenance nodes are offline already: see FromSnapshots).
        if (evt.Kind == EventKind.Underload) constraints.Add(new Offline([evt.Node]));
        return PlacementProblem.FromSnapshots(snapshots, constraints);
    }

    /// <summary>
    /// Reserves the next free node of the overlay. A node held by another partition is remembered (merge), and
    /// that partition's nodes are skipped from then on without being asked (the DVMS shortcut). No growth past
    /// the size cap, nor once a renewal came late.
    /// </summary>
    private async Task<bool> GrowAsync(PartitionLifecycle lifecycle, bool forHeadroom = false)
    {
        var probes = 0; // looking for headroom, a node granted without any is handed back at once, a few times at most
        if (lifecycle.Nodes.Count >= options.MaxPartitionSize) return false;
        if (_starved && !await TimelyRenewalAsync())
        {
            _stoppedStarving = true;
            return false;
        }
        var origin = _event!.Node;
        for (var steps = 0; steps < overlay.Current.Count; steps++)
        {
            var next = overlay.Current.Next(origin, _cursor);
            if (next is null) return false;
            _cursor = next;
            if (lifecycle.Nodes.Contains(next) || _skip.Contains(next)) continue;
            var reply = await GrainFactory.GetGrain<IReservable>(next).ReserveAsync(Id);
            if (reply.Granted && forHeadroom && !HasRoom(reply) && ++probes <= options.HeadroomGrowth * 2)
            {
                await GrainFactory.GetGrain<IReservable>(next).ReleaseAsync(Id, PartitionOutcome.Vanished);
                continue;
            }
            if (reply.Granted)
            {
                lifecycle.Add(next); // even once absorbed: released in FinishAsync
                return lifecycle.Interruption is null;
            }
            if (reply.HeldBy is { } holder)
            {
                lifecycle.Met(holder);
                if (_asked.Add(holder)) await SkipNodesOfAsync(holder);
            }
            if (lifecycle.Interruption is not null) return false;
        }
        // Round the whole overlay: the partitions met may have finished since; the next sweep probes their nodes again.
        _skip.Clear();
        _asked.Clear();
        return false;
    }

    /// <summary>
    /// Whether a node just granted can take what the initiator must shed and stay at or under the headroom target (its
    /// load alone when its capacity is unknown): a node that cannot is handed back at once when growing for headroom.
    /// </summary>
    private bool HasRoom(ReserveReply reply) =>
        reply.CpuLoad is not { } load || options.HeadroomTarget is not { } target
        || (load < target && (reply.CpuCapacity is not { } capacity || (long)Math.Floor(target * capacity) - (long)Math.Round(load * capacity) >= _shed));

    /// <summary>Waits (at most two renewal periods) for a renewal on time; false when none came: the partition stops growing.</summary>
    private async Task<bool> TimelyRenewalAsync()
    {
        _timelyRenewal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource();
        await Task.WhenAny(_timelyRenewal.Task, Task.Delay(options.LeaseRenewalPeriod * 2, clock.Time, timeout.Token));
        await timeout.CancelAsync();
        _timelyRenewal = null;
        return !_starved;
    }

    /// <summary>The shortcut: asks a partition met for its nodes once, so growth jumps past them.</summary>
    private async Task SkipNodesOfAsync(string partition)
    {
        try
        {
            var (state, nodes) = await GrainFactory.GetGrain<IPartitionGrain>(partition).GetStateAsync();
            if (state is not (PartitionState.Finished or PartitionState.Created)) _skip.UnionWith(nodes); // a finished one's nodes are free
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Partition {Partition}: could not ask {Other} for its nodes; probing them one by one", Id, partition);
        }
    }

    /// <summary>Blocked: absorbs the lower-id partitions it met; true when it gained nodes.</summary>
    private async Task<bool> MergeAsync(PartitionLifecycle lifecycle)
    {
        var lower = lifecycle.TakeAbsorbable();
        var gained = false;
        foreach (var other in lower)
        {
            if (lifecycle.Nodes.Count >= options.MaxPartitionSize) break;
            var handedOver = await GrainFactory.GetGrain<IPartitionGrain>(other).AbsorbAsync(Id);
            foreach (var n in handedOver.Where(n => !lifecycle.Nodes.Contains(n)))
            {
                lifecycle.Add(n);
                gained = true;
            }
        }
        if (gained) logger.LogInformation("Partition {Partition}: absorbed {Count} partition(s), now {Nodes} nodes", Id, lower.Count, lifecycle.Nodes.Count);
        // The size cap holds after a merge too: nodes beyond it (the last absorbed) are given back at once.
        foreach (var extra in lifecycle.Trim(options.MaxPartitionSize))
            await GrainFactory.GetGrain<IReservable>(extra).ReleaseAsync(Id, PartitionOutcome.Absorbed);
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
        // Late by more than half a lease: the machine does not keep up. Growing now would only add nodes whose
        // leases it could not keep: growth waits for a timely renewal (a plan being applied is not torn down for it).
        var now = clock.Now;
        var late = now - _lastRenewal > options.LeaseRenewalPeriod + (options.LeaseTimeout - options.LeaseRenewalPeriod) / 2;
        if (late && !_starved)
            logger.LogInformation("Partition {Partition}: renewal {Seconds:0.00} s after the last one, growth waits", Id, (now - _lastRenewal).TotalSeconds);
        _starved = late;
        _lastRenewal = now;
        var nodes = lifecycle.Nodes.ToArray();
        var renewed = await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<IReservable>(n).RenewAsync(Id)));
        if (!late) _timelyRenewal?.TrySetResult();
        for (var i = 0; i < nodes.Length; i++)
            if (!renewed[i]) lifecycle.LoseLease(nodes[i]);
        if (lifecycle.LostLease is not null && _applying is { IsCancellationRequested: false } applying) applying.Cancel();
    }

    private async Task FinishAsync(PartitionLifecycle lifecycle, PartitionOutcome outcome, string? detail)
    {
        var nodes = lifecycle.Finish();
        _renewal?.Dispose();
        var held = nodes.Concat(_bystanders).ToList(); // what it held at its largest (bystanders were released already)
        // Reported before its nodes are free: whoever sees the nodes free (a test, the simulator) also sees the report.
        var evt = _event!;
        var ended = clock.Now;
        metrics.PartitionSize.Record(Math.Max(1, held.Count));
        switch (outcome)
        {
            case PartitionOutcome.Solved:
                metrics.EventsSolved.Add(1);
                metrics.ResolutionTime.Record((ended - evt.DetectedAt).TotalMilliseconds);
                break;
            case PartitionOutcome.Vanished: metrics.EventsVanished.Add(1); break;
            case PartitionOutcome.GaveUp or PartitionOutcome.Failed: metrics.EventsGivenUp.Add(1); break;
        }
        journal.Record(new PartitionReport(Id, evt, outcome, [.. held], _migrations, _startedAt, ended, _solverTime, detail));
        _ = GrainFactory.GetGrain<Environments.IEventHubGrain>(0).PublishPartitionAsync(
            new PartitionNotice(Id, evt.Node, evt.Kind, outcome, Math.Max(1, held.Count), _migrations, evt.DetectedAt, ended, detail, _moves)); // one-way
        logger.Log(outcome is PartitionOutcome.Solved or PartitionOutcome.Vanished or PartitionOutcome.Absorbed ? LogLevel.Information : LogLevel.Warning,
            "Partition {Partition} ({Kind} on {Node}): {Outcome} with {Count} node(s), {Migrations} migration(s) in {Seconds:0.0} s {Detail}",
            Id, evt.Kind, evt.Node, outcome, held.Count, _migrations, (ended - evt.DetectedAt).TotalSeconds, detail ?? "");
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
