using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Placement;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Scheduling;

/// <summary>
/// The DVMS leader of one partition (the seed's LRT scheduling layer). Its protocol runs inside
/// the one-way <see cref="StartAsync"/>; lease renewal runs on an interleaved timer, and
/// <see cref="AbsorbAsync"/> interleaves so that blocked partitions can merge without deadlock.
/// The call graph has no cycle: partitions call nodes and lower-id partitions; nodes call no one
/// but (one-way) a new partition.
/// </summary>
public sealed class PartitionGrain(
    IOverlay overlay,
    ConstraintCatalog catalog,
    PlanJournal journal,
    SchedulingMetrics metrics,
    InfrastructureClock clock,
    DvmsOptions options,
    ILogger<PartitionGrain> logger) : Grain, IPartitionGrain
{
    private readonly List<string> _nodes = [];
    private readonly HashSet<string> _metPartitions = new(StringComparer.Ordinal);
    private PartitionState _state = PartitionState.Created;
    private SchedulingEvent? _event;
    private string? _absorbedBy;
    private string? _lostLease;
    private string _cursor = "";
    private DateTimeOffset _startedAt;
    private TimeSpan _solverTime;
    private int _migrations;
    private IGrainTimer? _renewal;

    private string Id => this.GetPrimaryKeyString();

    public async Task StartAsync(SchedulingEvent evt)
    {
        if (_state != PartitionState.Created) return; // a duplicate start
        _event = evt;
        _startedAt = clock.Now;
        _nodes.Add(evt.Node);
        _cursor = evt.Node;
        _state = PartitionState.Growing;
        // Renew at once: the initiator's self-reservation has been ticking since detection.
        _renewal = this.RegisterGrainTimer(RenewLeasesAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.LeaseRenewalPeriod,
            Interleave = true,
            KeepAlive = true,
        });

        PartitionOutcome outcome;
        string? detail = null;
        try
        {
            (outcome, detail) = await RunAsync(evt);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Partition {Partition}: failed", Id);
            (outcome, detail) = (PartitionOutcome.Failed, e.Message);
        }
        await FinishAsync(outcome, detail);
    }

    private async Task<(PartitionOutcome, string?)> RunAsync(SchedulingEvent evt)
    {
        while (true)
        {
            if (_absorbedBy is not null) return (PartitionOutcome.Absorbed, $"absorbed by {_absorbedBy}");
            if (_lostLease is not null) return (PartitionOutcome.Failed, $"lost the lease of {_lostLease}");
            if (clock.Now - _startedAt > options.MaxPartitionLifetime) return (PartitionOutcome.GaveUp, "lifetime exceeded");

            var snapshots = await Task.WhenAll(_nodes.ToArray().Select(n => GrainFactory.GetGrain<INodeGrain>(n).GetSnapshotAsync()));
            var initiator = snapshots.First(s => s.Node == evt.Node);
            if (!EventDetector.StillHolds(evt.Kind, initiator, options.UnderloadThreshold)) return (PartitionOutcome.Vanished, null);

            var problem = BuildProblem(evt, snapshots);
            var started = clock.Timestamp();
            var result = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(problem,
                SolverOptions.Default with { TimeLimit = options.SolverTimeLimit, Workers = options.SolverWorkers }, options.Solver);
            var solveTime = clock.Since(started);
            _solverTime += solveTime;
            metrics.SolverTime.Record(solveTime.TotalMilliseconds);
            journal.RecordSolve(solveTime);

            if (_absorbedBy is not null) return (PartitionOutcome.Absorbed, $"absorbed by {_absorbedBy}");
            if (_lostLease is not null) return (PartitionOutcome.Failed, $"lost the lease of {_lostLease}");
            if (result.IsSolved)
            {
                _state = PartitionState.Applying; // from here on nobody may absorb this partition
                await ApplyAsync(problem, result);
                return (PartitionOutcome.Solved, null);
            }
            logger.LogDebug("Partition {Partition}: {Status} on {Count} nodes, growing", Id, result.Status, _nodes.Count);
            if (await GrowAsync()) continue;
            if (_absorbedBy is not null) continue;

            _state = PartitionState.Blocked;
            if (await MergeAsync() || _absorbedBy is not null)
            {
                if (_state == PartitionState.Blocked) _state = PartitionState.Growing;
                continue;
            }
            return (PartitionOutcome.GaveUp, $"no solution on {_nodes.Count} node(s) and no partition to merge with");
        }
    }

    private PlacementProblem BuildProblem(SchedulingEvent evt, NodeSnapshot[] snapshots)
    {
        var vms = snapshots.SelectMany(s => s.Vms).Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var nodes = _nodes.ToHashSet(StringComparer.Ordinal);
        var constraints = catalog.For(vms, nodes).ToList();
        // An underload is solved by emptying the initiator (maintenance nodes are offline already: see FromSnapshots).
        if (evt.Kind == EventKind.Underload) constraints.Add(new Offline([evt.Node]));
        return PlacementProblem.FromSnapshots(snapshots, constraints);
    }

    /// <summary>Reserves the next free node of the overlay; nodes held by other partitions are skipped.</summary>
    private async Task<bool> GrowAsync()
    {
        if (_nodes.Count >= options.MaxPartitionSize) return false;
        for (var steps = 0; steps < overlay.Nodes.Count; steps++)
        {
            var next = overlay.Successor(_cursor);
            if (next is null) return false;
            _cursor = next;
            if (_nodes.Contains(next)) continue;
            var reply = await GrainFactory.GetGrain<INodeGrain>(next).ReserveAsync(Id);
            if (_absorbedBy is not null)
            {
                if (reply.Granted) _nodes.Add(next); // released in FinishAsync
                return false;
            }
            if (reply.Granted)
            {
                _nodes.Add(next);
                return true;
            }
            if (reply.HeldBy is { } holder) _metPartitions.Add(holder);
        }
        return false;
    }

    /// <summary>Blocked: the higher id absorbs the lower ones it met; a partition that met none gives up.</summary>
    private async Task<bool> MergeAsync()
    {
        var lower = _metPartitions.Where(p => string.CompareOrdinal(p, Id) < 0).ToList();
        _metPartitions.Clear();
        var gained = false;
        foreach (var other in lower)
        {
            var handedOver = await GrainFactory.GetGrain<IPartitionGrain>(other).AbsorbAsync(Id);
            foreach (var n in handedOver.Where(n => !_nodes.Contains(n)))
            {
                _nodes.Add(n);
                gained = true;
            }
        }
        if (gained) logger.LogInformation("Partition {Partition}: absorbed {Count} partition(s), now {Nodes} nodes", Id, lower.Count, _nodes.Count);
        return gained;
    }

    public async Task<ImmutableArray<string>> AbsorbAsync(string absorberId)
    {
        if (_state is not (PartitionState.Growing or PartitionState.Blocked) || _absorbedBy is not null
            || string.CompareOrdinal(absorberId, Id) <= 0)
            return [];
        _absorbedBy = absorberId;
        var mine = _nodes.ToArray();
        _nodes.Clear();
        var handed = await Task.WhenAll(mine.Select(async n => (n, ok: await GrainFactory.GetGrain<INodeGrain>(n).TransferAsync(Id, absorberId))));
        return [.. handed.Where(h => h.ok).Select(h => h.n)];
    }

    public Task<(PartitionState State, ImmutableArray<string> Nodes)> GetStateAsync() =>
        Task.FromResult((_state, _nodes.ToImmutableArray()));

    private async Task ApplyAsync(PlacementProblem problem, PlacementResult result)
    {
        var started = clock.Now;
        try
        {
            _migrations += await PlanExecution.ApplyAsync(GrainFactory, result.Plan, metrics);
        }
        catch (PlanExecutionException e)
        {
            _migrations += e.Landed;
            throw;
        }
        journal.Record(new AppliedPlan(Id, problem, result, started, clock.Now));
    }

    private async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        if (_state is PartitionState.Finished or PartitionState.Created) return;
        var nodes = _nodes.ToArray();
        var renewed = await Task.WhenAll(nodes.Select(n => GrainFactory.GetGrain<INodeGrain>(n).RenewAsync(Id)));
        for (var i = 0; i < nodes.Length; i++)
            if (!renewed[i] && _nodes.Contains(nodes[i]) && _absorbedBy is null)
                _lostLease ??= nodes[i];
    }

    private async Task FinishAsync(PartitionOutcome outcome, string? detail)
    {
        _state = PartitionState.Finished;
        _renewal?.Dispose();
        var nodes = _nodes.ToArray();
        await Task.WhenAll(nodes.Select(async n =>
        {
            try { await GrainFactory.GetGrain<INodeGrain>(n).ReleaseAsync(Id, outcome); }
            catch (Exception e) { logger.LogWarning(e, "Partition {Partition}: could not release {Node}; its lease will expire", Id, n); }
        }));
        var evt = _event!;
        var ended = clock.Now;
        metrics.PartitionSize.Record(Math.Max(1, nodes.Length));
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
        logger.Log(outcome is PartitionOutcome.Solved or PartitionOutcome.Vanished or PartitionOutcome.Absorbed ? LogLevel.Information : LogLevel.Warning,
            "Partition {Partition} ({Kind} on {Node}): {Outcome} with {Count} node(s), {Migrations} migration(s) in {Seconds:0.0} s {Detail}",
            Id, evt.Kind, evt.Node, outcome, nodes.Length, _migrations, (ended - evt.DetectedAt).TotalSeconds, detail ?? "");
        DeactivateOnIdle();
    }
}
