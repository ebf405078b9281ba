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
/// The DVMS leader of one partition (the seed's LRT scheduling layer), a thin shell that moves the protocol's
/// messages and asks plain classes every decision: its <see cref="PartitionLifecycle"/> (states, nodes, partitions
/// met), its <see cref="PartitionGrowth"/> (which node to reserve next, the shortcut, the size cap, headroom) and its
/// <see cref="RenewalPacing"/> (late renewals hold growth back). The protocol runs inside the one-way
/// <see cref="StartAsync"/>; lease renewal runs on an interleaved timer, and <see cref="AbsorbAsync"/> and
/// <see cref="GetStateAsync"/> interleave so that blocked partitions can merge without deadlock. The call graph has
/// no cycle: partitions await nodes, the cluster's singletons, lower-id partitions (absorb) and any partition met
/// (its state, interleaved); nodes await directories and other nodes, tell VEs one-way, and never await a partition
/// (they start one one-way).
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
    private PartitionGrowth? _growth;
    private RenewalPacing? _pacing;
    private DateTimeOffset _startedAt;
    private TimeSpan _solverTime;
    private int _migrations;
    private ImmutableArray<Migration> _moves = []; // the plan applied in full, for subscribers
    private IGrainTimer? _renewal;
    private CancellationTokenSource? _applying; // cancelled when a lease is lost or the silo stops: no further plan step
    private TaskCompletionSource? _absorbed;
    private readonly List<string> _bystanders = []; // nodes held until the plan, which left them alone: reported, released early

    private string Id => this.GetPrimaryKeyString();

    private PartitionGrowth Growth => _growth ?? throw new InvalidOperationException($"partition {Id} has not started");

    private RenewalPacing Pacing => _pacing ?? throw new InvalidOperationException($"partition {Id} has not started");

    /// <summary>A blocked partition that met only higher ids waits this long for one of them to absorb it, then gives up.</summary>
    private TimeSpan BlockedWait => options.LeaseTimeout * 2;

    public async Task StartAsync(SchedulingEvent evt)
    {
        if (_lifecycle is not null) return; // a duplicate start
        var lifecycle = _lifecycle = new PartitionLifecycle(Id);
        _event = evt;
        _growth = new PartitionGrowth(evt.Node, overlay, options);
        _startedAt = clock.Now;
        _pacing = new RenewalPacing(clock.Time, options.LeaseRenewalPeriod, options.LeaseTimeout);
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

    /// <summary>
    /// The protocol, one round at a time: snapshot the nodes, check the event still holds, solve (and grow for
    /// headroom, or apply a plan), else grow by one node, else block (merge, wait to be absorbed, give up).
    /// </summary>
    private async Task<(PartitionOutcome, string?)> RunAsync(PartitionLifecycle lifecycle, SchedulingEvent evt)
    {
        while (true)
        {
            if (Stopped(lifecycle) is { } stop) return stop;
            var snapshots = await SnapshotAsync(lifecycle);
            if (!InitiatorStillHolds(evt, snapshots)) return (PartitionOutcome.Vanished, null);
            // No event is solved on its initiator alone (an overloaded node cannot shrink its VMs; an underloaded or
            // drained one must send them somewhere): it grows before asking the solver anything.
            var step = lifecycle.Nodes.Count > 1 ? await SolveAsync(lifecycle, evt, snapshots) : Step.Next;
            if (step.IsNext) step = await GrowAsync(lifecycle, evt);
            if (step.IsNext) step = await BlockAsync(lifecycle);
            if (step.End is { } end) return end;
        }
    }

    /// <summary>Where a step of a round leads: on to the next step, into another round, or to the partition's end.</summary>
    private readonly record struct Step((PartitionOutcome, string?)? End, bool NewRound)
    {
        /// <summary>On to the next step of this round.</summary>
        public static Step Next => default;

        /// <summary>Another round: snapshot again.</summary>
        public static Step Round => new(null, true);

        public bool IsNext => End is null && !NewRound;

        public static implicit operator Step((PartitionOutcome, string?) end) => new(end, false);
    }

    /// <summary>Interrupted from outside, or past its lifetime: none waits forever.</summary>
    private (PartitionOutcome, string?)? Stopped(PartitionLifecycle lifecycle) =>
        Interrupted(lifecycle)
        ?? (clock.Now - _startedAt > options.MaxPartitionLifetime ? (PartitionOutcome.GaveUp, "lifetime exceeded") : null);

    private Task<NodeSnapshot[]> SnapshotAsync(PartitionLifecycle lifecycle) =>
        Task.WhenAll(lifecycle.Nodes.ToArray().Select(n => GrainFactory.GetGrain<INodeMonitor>(n).GetSnapshotAsync()));

    /// <summary>Reads the initiator's snapshot (what it must shed to come down to the headroom target); true while its event holds.</summary>
    private bool InitiatorStillHolds(SchedulingEvent evt, NodeSnapshot[] snapshots)
    {
        var initiator = snapshots.First(s => s.Node == evt.Node);
        Growth.ReadInitiator(initiator);
        return EventDetector.StillHolds(evt.Kind, initiator, options.UnderloadThreshold, options.EffectivePressure);
    }

    /// <summary>
    /// Solves on the partition's nodes. A plan lacking headroom first tries a few more nodes (headroom growth); then
    /// the plan is applied. Without a solution: on to growth (a pressure gives up instead).
    /// </summary>
    private async Task<Step> SolveAsync(PartitionLifecycle lifecycle, SchedulingEvent evt, NodeSnapshot[] snapshots)
    {
        var problem = await BuildProblemAsync(lifecycle, evt, snapshots);
        var result = await AskSolverAsync(problem);
        if (Interrupted(lifecycle) is { } late) return late;
        if (!result.IsSolved)
        {
            if (evt.Kind == EventKind.Pressure) return (PartitionOutcome.GaveUp, $"{NoRelief(lifecycle)} ({result.Status})");
            logger.LogDebug("Partition {Partition}: {Status} on {Count} nodes, growing", Id, result.Status, lifecycle.Nodes.Count);
            return Step.Next;
        }
        // A plan that fills a node past the headroom target: a few more nodes may offer one that does not.
        if (result.LacksHeadroom && await GrowForHeadroomAsync(lifecycle)) return Step.Round;
        if (Interrupted(lifecycle) is { } whileGrowing) return whileGrowing;
        // A pressure is relieved only by a plan with headroom: any other would be churn for nothing.
        if (evt.Kind == EventKind.Pressure && result.LacksHeadroom) return (PartitionOutcome.GaveUp, NoRelief(lifecycle));
        await ApplyAsync(lifecycle, problem, result);
        return (PartitionOutcome.Solved, null);
    }

    private async Task<PlacementResult> AskSolverAsync(PlacementProblem problem)
    {
        var started = clock.Timestamp();
        var result = await GrainFactory.Solver().SolveAsync(problem,
            options.SolverOptionsFor(clock.ToWall(options.SolverTimeLimit), options.SolverWorkers), options.Solver);
        var solveTime = clock.Since(started);
        _solverTime += solveTime;
        metrics.SolverTime.Record(solveTime.TotalMilliseconds);
        journal.RecordSolve(solveTime);
        return result;
    }

    /// <summary>Headroom growth: one more node with room, within the partition's budget; true when it gained one.</summary>
    private async Task<bool> GrowForHeadroomAsync(PartitionLifecycle lifecycle)
    {
        if (!Growth.MayGrowForHeadroom || !await ReserveNextNodeAsync(lifecycle, forHeadroom: true)) return false;
        Growth.GrewForHeadroom();
        return true;
    }

    /// <summary>
    /// Applies a plan: from here on nobody may absorb this partition, and the nodes the plan leaves alone are free at once.
    /// </summary>
    private async Task ApplyAsync(PartitionLifecycle lifecycle, PlacementProblem problem, PlacementResult result)
    {
        _bystanders.AddRange(lifecycle.BeginApplying(Involved(problem, result)));
        await Task.WhenAll(_bystanders.Select(n => GrainFactory.GetGrain<IReservable>(n).ReleaseAsync(Id, PartitionOutcome.Solved)));
        silo.Decided(Id);
        await ExecuteAsync(problem, result);
    }

    /// <summary>
    /// No solution yet: reserve one more node. A pressure (not an overload yet) takes only nodes with headroom, and
    /// neither merges nor waits: it gives up at once.
    /// </summary>
    private async Task<Step> GrowAsync(PartitionLifecycle lifecycle, SchedulingEvent evt)
    {
        if (await ReserveNextNodeAsync(lifecycle, forHeadroom: evt.Kind == EventKind.Pressure)) return Step.Round;
        if (Interrupted(lifecycle) is { } absorbed) return absorbed;
        if (evt.Kind == EventKind.Pressure) return (PartitionOutcome.GaveUp, NoRelief(lifecycle));
        return Step.Next;
    }

    /// <summary>
    /// Could not grow: blocked. Absorbs the lower-id partitions it met and tries again; else, having met a higher id,
    /// waits to be absorbed; else gives up.
    /// </summary>
    private async Task<Step> BlockAsync(PartitionLifecycle lifecycle)
    {
        lifecycle.Block();
        if (await MergeAsync(lifecycle))
        {
            lifecycle.Resume();
            return Step.Round;
        }
        if (Interrupted(lifecycle) is { } whileMerging) return whileMerging;
        if (lifecycle.MetHigher && await WaitToBeAbsorbedAsync(lifecycle)) return Step.Round; // the round's first check ends it as Absorbed
        return (PartitionOutcome.GaveUp, WhyGiveUp(lifecycle));
    }

    /// <summary>Why a blocked partition gives up (the simulator aggregates these texts: keep them word for word).</summary>
    private string WhyGiveUp(PartitionLifecycle lifecycle) =>
        Growth.AtSizeCap(lifecycle.Nodes.Count) ? $"no solution within the partition size cap of {options.MaxPartitionSize} nodes (MaxPartitionSize)"
        : Pacing.StoppedGrowing ? $"no solution on {lifecycle.Nodes.Count} node(s); stopped growing: its lease renewals kept coming late (the silo does not keep up)"
        : $"no solution on {lifecycle.Nodes.Count} node(s) and no partition to merge with";

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
        var constraints = (await GrainFactory.ConstraintDirectory().ForAsync(vms, nodes)).ToList();
        // An underload is solved by emptying the initiator (maintenance nodes are offline already: see FromSnapshots).
        if (evt.Kind == EventKind.Underload) constraints.Add(new Offline([evt.Node]));
        // A migration to a node that lacks the VM's image costs its fetch (the destination gets the base before the move).
        return await Images.ImageFetchCosts.AddAsync(GrainFactory, PlacementProblem.FromSnapshots(snapshots, constraints),
            snapshots.ToDictionary(s => s.Node, s => s.Site, StringComparer.Ordinal), logger, $"Partition {Id}");
    }

    /// <summary>
    /// Reserves the next free node of the overlay, as <see cref="PartitionGrowth"/> picks it and judges each reply: a
    /// node held by another partition is remembered (merge), and that partition asked once for its nodes, skipped from
    /// then on (the DVMS shortcut). No growth past the size cap, nor while renewals come late. True when a node joined.
    /// </summary>
    private async Task<bool> ReserveNextNodeAsync(PartitionLifecycle lifecycle, bool forHeadroom)
    {
        if (Growth.AtSizeCap(lifecycle.Nodes.Count)) return false;
        if (Pacing.LastRenewalLate && !await Pacing.WaitForTimelyRenewalAsync()) return false;
        var sweep = Growth.Sweep(forHeadroom);
        while (sweep.Next(lifecycle.Nodes) is { } node)
        {
            var reply = await GrainFactory.GetGrain<IReservable>(node).ReserveAsync(Id);
            switch (sweep.Consider(reply))
            {
                case GrowthMove.HandBack: // looking for headroom, a node granted without any is handed back at once
                    await GrainFactory.GetGrain<IReservable>(node).ReleaseAsync(Id, PartitionOutcome.Vanished);
                    continue;
                case GrowthMove.Take:
                    lifecycle.Add(node); // even once absorbed: released in FinishAsync
                    return lifecycle.Interruption is null;
            }
            if (reply.HeldBy is { } holder)
            {
                lifecycle.Met(holder);
                if (Growth.FirstMeeting(holder)) await SkipNodesOfAsync(holder);
            }
            if (lifecycle.Interruption is not null) return false;
        }
        return false;
    }

    /// <summary>The shortcut: asks a partition met for its nodes, so that growth jumps past them.</summary>
    private async Task SkipNodesOfAsync(string partition)
    {
        try
        {
            var (state, nodes) = await GrainFactory.GetGrain<IPartitionGrain>(partition).GetStateAsync();
            Growth.Learned(state, nodes);
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
            if (Growth.AtSizeCap(lifecycle.Nodes.Count)) break;
            var handedOver = await GrainFactory.GetGrain<IPartitionGrain>(other).AbsorbAsync(Id);
            foreach (var n in handedOver.Where(n => !lifecycle.Nodes.Contains(n)))
            {
                lifecycle.Add(n);
                gained = true;
            }
        }
        if (gained) logger.LogInformation("Partition {Partition}: absorbed {Count} partition(s), now {Nodes} nodes", Id, lower.Count, lifecycle.Nodes.Count);
        // The size cap holds after a merge too: nodes beyond it (the last absorbed) are given back at once.
        foreach (var extra in lifecycle.Trim(Growth.MaxSize))
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

    /// <summary>Runs the plan's migrations; a plan applied even in part is journaled.</summary>
    private async Task ExecuteAsync(PlacementProblem problem, PlacementResult result)
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
        // Late by more than half a lease: the machine does not keep up, growth waits (see RenewalPacing).
        var timing = Pacing.Renewing();
        if (timing.NewlyLate)
            logger.LogInformation("Partition {Partition}: renewal {Seconds:0.00} s after the last one, growth waits", Id, timing.SinceLast.TotalSeconds);
        var nodes = lifecycle.Nodes.ToArray();
        var renewed = await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<IReservable>(n).RenewAsync(Id)));
        Pacing.Renewed(timing);
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
        _ = GrainFactory.EventHub().PublishPartitionAsync(
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
