using Discovery.Diagnostics;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Model;
using Discovery.Overlay;
using Discovery.Scheduling;
using Discovery.Scheduling.Protocol;
using Discovery.Time;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;

namespace Discovery.Monitoring;

/// <summary>
/// A node's grain (the seed's LRT monitoring layer): observes its hypervisor every monitoring period
/// (woken by the silo's <see cref="MonitoringPass"/> when the node can be read in memory and the
/// reading says there is something to see; otherwise on its own timer), detects events, starts a
/// partition for an event when it is free, and answers the reservation protocol through its
/// <see cref="ReservationLease"/>. It never awaits a partition.
/// </summary>
[HomeSiloPlacement]
[Immovable(ImmovableKind.Any)] // it drives a hypervisor of this silo: no rebalancing or repartitioning may move it
public sealed class NodeGrain : Grain, INodeGrain
{
    private readonly HypervisorDirectory _directory;
    private readonly InfrastructureClock _clock;
    private readonly DvmsOptions _options;
    private readonly SchedulingMetrics _metrics;
    private readonly SiloScheduling _silo;
    private readonly NodeMonitoringServices _monitoring;
    private readonly ILogger<NodeGrain> _logger;
    private readonly ReservationLease _lease;
    // Reachable, unreachable, down; standing in where no live silo drives the node (its silo died): the stand-in
    // reports it unreachable (then down) and hands over to its silo as soon as that one is back.
    private readonly NodeHealth _health;
    private readonly Dictionary<string, VmState> _vmStates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cachedImages = new(StringComparer.Ordinal); // images whose base this node reported holding
    private DateTimeOffset _rejoinAt = DateTimeOffset.MinValue;
    private bool _maintenance;
    private NodeSnapshot? _last;
    private IGrainTimer? _monitor;
    private long _sequence;

    /// <summary>
    /// Every this many periods a node joins the node directory again (it lives in memory and may have been lost with its
    /// silo), a down node repeats that it is down, and a node read by the monitoring pass gets its heartbeat tick.
    /// </summary>
    private const int RejoinEvery = 60;

    public NodeGrain(HypervisorDirectory directory, InfrastructureClock clock, DvmsOptions options, SchedulingMetrics metrics,
        SiloScheduling silo, NodeMonitoringServices monitoring, ILogger<NodeGrain> logger)
    {
        (_directory, _clock, _options, _metrics, _silo, _monitoring, _logger) = (directory, clock, options, metrics, silo, monitoring, logger);
        _health = new NodeHealth(clock.Time, options.NodeDownGrace, options.SiloLossGrace, RejoinEvery);
        _lease = new ReservationLease(clock.Time, options.LeaseTimeout, options.RetryBackoff, expired =>
        {
            _logger.LogWarning("Node {Node}: partition {Partition} silent for {Seconds:0.0} s, reservation dropped",
                Node, expired.PartitionId, (_clock.Now - expired.RenewedAt).TotalSeconds);
            _metrics.ReservationsExpired.Add(1);
        });
    }

    private string Node => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!_directory.Contains(Node))
        {
            // Placed before the silos' metadata had propagated: refuse, so the next call places it again.
            if (_monitoring.Homes.HasLiveHome(Node))
            {
                DeactivateOnIdle();
                throw new HypervisorException(Node, HypervisorErrorKind.NotFound, $"node '{Node}' is not driven by this silo; retry");
            }
            // No live silo drives a node the cluster knows: stand in for it rather than pretend to reach its hypervisor.
            // A name the cluster never knew is refused: a typo must not become a node that is down forever.
            if (!await GrainFactory.NodeDirectory().IsKnownAsync(Node))
            {
                DeactivateOnIdle();
                throw new HypervisorException(Node, HypervisorErrorKind.NotFound, $"no silo drives node '{Node}' and the cluster has never known it");
            }
            _health.StandIn();
            _logger.LogWarning("Node {Node}: no live silo drives it; standing in on this silo, it is reported unreachable until its silo returns", Node);
        }
        // Marked down by an earlier activation (its silo died since): still down until a read succeeds,
        // and that read is a return, whose copies go to their VEs.
        if (await GrainFactory.NodeDirectory().IsDownAsync(Node)) _health.AlreadyMarkedDown();
        if (_health.StandingIn) StartStandIn();
        else if (_silo.Monitoring) await StartMonitoringAsync(); // reactivated here: monitoring carries on without being asked
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<NodeSnapshot> GetSnapshotAsync()
    {
        var hypervisor = Hypervisor();
        var host = await hypervisor.GetHostInfoAsync();
        var vms = await hypervisor.ListVmsAsync();
        _last = new NodeSnapshot(Node, _directory.SiteOf(Node), host.Capacity,
            [.. vms.Select(v => v.ToSnapshot(Node))], _maintenance, _clock.Now, _lease.Holder?.PartitionId);
        return _last;
    }

    public Task<bool> StartMonitoringAsync()
    {
        if (_health.StandingIn)
        {
            // Its silo is back (whose start asks this): make way, so that the next call activates it there.
            if (_monitoring.Homes.HasLiveHome(Node)) GoHome();
            else StartStandIn();
            return Task.FromResult(false);
        }
        if (_monitor is null && !_silo.Stopping)
        {
            _silo.MonitoringStarted();
            // Spread the nodes' own ticks over the period so thousands of nodes do not tick at once.
            var phase = (uint)StringComparer.Ordinal.GetHashCode(Node) % 1000 / 1000.0;
            // Read in memory by the silo's pass, which wakes this grain when there is something to see:
            // its own timer is then only a slow heartbeat (rejoining the directory) that keeps it active.
            var watched = _monitoring.Pass.TryWatch(Node, _directory.Get(Node));
            Arm(_options.MonitoringPeriod * phase, watched ? _options.MonitoringPeriod * RejoinEvery : _options.MonitoringPeriod);
        }
        return Task.FromResult(true);
    }

    /// <summary>Standing in: a tick every period counts the node unreachable, then down, until its silo returns.</summary>
    private void StartStandIn()
    {
        if (_monitor is null && !_silo.Stopping) Arm(TimeSpan.Zero, _options.MonitoringPeriod);
    }

    /// <summary>The monitoring timer; it keeps the grain active.</summary>
    private void Arm(TimeSpan dueTime, TimeSpan period) =>
        _monitor = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = dueTime, Period = period, KeepAlive = true });

    private void GoHome()
    {
        _logger.LogInformation("Node {Node}: its silo is back; the stand-in activation makes way", Node);
        _monitor?.Dispose();
        _monitor = null;
        DeactivateOnIdle();
    }

    public Task StopMonitoringAsync()
    {
        _monitor?.Dispose();
        _monitor = null;
        _monitoring.Pass.Unwatch(Node);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _monitoring.Pass.Unwatch(Node);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task ObserveAsync()
    {
        if (_monitor is null) return; // not monitoring (stopped, or a pass raced a stop)
        // Charged to monitoring: the part that runs before the first real wait, on this thread (all of it, for a quiet node).
        var start = ThreadCpu.NowTicks();
        var tick = TickAsync(CancellationToken.None);
        _monitoring.Cpu.AddMonitoring(ThreadCpu.NowTicks() - start);
        await tick;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try { await ObserveOnceAsync(cancellationToken); }
        finally { WakeEveryPeriodWhenWatched(); }
    }

    private async Task ObserveOnceAsync(CancellationToken cancellationToken)
    {
        if (_silo.Stopping) return;
        if (_health.StandingIn && _monitoring.Homes.HasLiveHome(Node))
        {
            GoHome();
            return;
        }
        var mayStart = _lease.MayStartPartition; // also drops a silent leader's reservation
        NodeSnapshot snapshot;
        try
        {
            // A hypervisor that hangs (a powered-off host behind a TCP connection) is as unreachable as one that refuses.
            snapshot = await GetSnapshotAsync().WaitAsync(ReadTimeout, _clock.Time, cancellationToken);
        }
        catch (HypervisorException e)
        {
            Missed(e.Message);
            return;
        }
        catch (TimeoutException)
        {
            Missed($"no answer within {ReadTimeout.TotalSeconds:0.#} s");
            return;
        }
        _monitoring.Readings.Record(Node, true, _clock.Now);
        Answered(snapshot);
        ReportStateChanges(snapshot);
        if (_clock.Now >= _rejoinAt)
        {
            _rejoinAt = _clock.Now + _options.MonitoringPeriod * RejoinEvery;
            Join(snapshot);
        }
        // A silo whose monitoring falls behind starts no new partition: the event waits a period instead of failing.
        if (!_options.Enabled || !mayStart || _monitoring.Pass.Behind) return;
        if (EventDetector.Detect(snapshot, _options.UnderloadThreshold, _options.EffectivePressure) is not { } kind) return;
        // Asked only on detection, so the cluster-wide switch stays off the monitoring hot path.
        if (await GrainFactory.SchedulingControl().IsPausedAsync() || _silo.Stopping) return;

        var evt = new SchedulingEvent(Node, kind, _clock.Now, snapshot.Demand, snapshot.Capacity);
        var partition = PartitionIds.New(Node, evt.DetectedAt, ++_sequence);
        // Nor one with as many partitions deciding as it allows.
        if (!_silo.TryAdmit(partition, _options.MaxDecidingPartitions)) return;
        // The initiator reserves itself before the partition exists: no other partition can take it meanwhile.
        _lease.ReserveForOwnEvent(partition, evt);
        _metrics.EventsDetected.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
        _logger.LogInformation("Node {Node}: {Kind} ({Demand} of {Capacity}), starting partition {Partition}",
            Node, kind, snapshot.Demand, snapshot.Capacity, partition);
        try { await GrainFactory.GetGrain<IPartitionGrain>(partition).StartAsync(evt); }
        catch
        {
            _silo.Left(partition); // not started: give its slot back (its reservation expires like a silent leader's)
            throw;
        }
    }

    /// <summary>A read that takes longer than this counts as a failed one.</summary>
    private TimeSpan ReadTimeout => _options.NodeDownGrace > _options.MonitoringPeriod ? _options.NodeDownGrace : _options.MonitoringPeriod;

    /// <summary>
    /// The hypervisor did not answer. Past the grace period the node is marked down: it leaves the
    /// node directory (so no placement and no VE looks at it), refuses reservations, each VE with VMs
    /// here places them elsewhere, and VMs of no VE are reported lost. It keeps trying every tick.
    /// </summary>
    private void Missed(string why)
    {
        _monitoring.Readings.Record(Node, false, _clock.Now, why);
        var step = _health.Missed();
        if (step.BecameUnreachable)
            _logger.LogWarning("Node {Node}: hypervisor unreachable ({Message}); marked down after {Grace} s", Node, why, _health.Grace.TotalSeconds);
        switch (step.Action)
        {
            case NodeHealthAction.RepeatMarkDown:
                _ = GrainFactory.NodeDirectory().MarkDownAsync(Node); // the in-memory directory may have been lost
                break;
            case NodeHealthAction.MarkDown:
                MarkDown(step.Unanswered);
                break;
        }
    }

    /// <summary>Marks the node down: the directory, each VE with VMs here (or every VE), and the VMs of no VE, lost.</summary>
    private void MarkDown(TimeSpan unanswered)
    {
        var now = _clock.Now;
        _metrics.NodesDown.Add(1);
        // What it ran, as last seen (VMs in flight excluded: their migration was aborted, they are on their source).
        var vms = _vmStates.Keys.Union(_last?.Vms.Where(v => v.Host == Node && v.State != VmState.Migrating).Select(v => v.Id) ?? [], StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        _logger.LogError("Node {Node}: hypervisor unreachable for {Seconds:0.0} s: marked down with {Count} VM(s)", Node, unanswered.TotalSeconds, vms.Count);
        _monitoring.Entries.MarkedDown(Node);
        _ = GrainFactory.NodeDirectory().MarkDownAsync(Node);
        if (_last is null)
            _ = GrainFactory.VeDirectory().NodeDownAsync(Node); // this activation never saw the node: every VE looks
        else
            foreach (var ve in vms.Select(VeId.VeOfVm).OfType<string>().Distinct())
                _ = GrainFactory.GetGrain<IVeGrain>(ve).NodeDownAsync(Node);
        var hub = GrainFactory.EventHub();
        foreach (var vm in vms.Where(v => VeId.VeOfVm(v) is null))
        {
            _metrics.VmsLost.Add(1);
            _logger.LogWarning("Node {Node}: VM {Vm} belongs to no VE and is lost with its node: nothing restarts it", Node, vm);
            _ = hub.PublishAsync(new VeTransition("", vm, (_vmStates.TryGetValue(vm, out var s) ? s : VmState.Running).ToString(), "Lost", Node,
                $"node {Node} marked down; the VM belongs to no VE, nothing restarts it", now));
        }
    }

    /// <summary>Joins the node directory (one-way), and records it so the overlay tells the directory again if it forgets.</summary>
    private void Join(NodeSnapshot snapshot)
    {
        _monitoring.Entries.Joined(new NodeAnnouncement(Node, snapshot.Site, snapshot.Capacity, _monitoring.SiloAddress));
        _ = GrainFactory.NodeDirectory().JoinAsync(Node, snapshot.Site, snapshot.Capacity, _monitoring.SiloAddress);
    }

    /// <summary>
    /// The hypervisor answered. Back after being down, the node joins again and every VM it lists goes
    /// to its VE, which keeps the copy or destroys it (its VM may run elsewhere by now).
    /// </summary>
    private void Answered(NodeSnapshot snapshot)
    {
        var step = _health.Answered();
        if (step.Action == NodeHealthAction.None) return;
        var backFromDown = step.Action == NodeHealthAction.BackFromDown;
        _logger.LogWarning("Node {Node}: hypervisor reachable again after {Seconds:0.0} s{Down}", Node,
            step.Unanswered.TotalSeconds, backFromDown ? ", back from down" : "");
        if (!backFromDown) return;
        Join(snapshot);
        foreach (var vm in snapshot.Vms.Where(v => v.Host == Node))
        {
            if (VeId.VeOfVm(vm.Id) is { } ve) _ = GrainFactory.GetGrain<IVeGrain>(ve).CopyFoundAsync(vm.Id, Node, vm.State);
            else _logger.LogWarning("Node {Node}: VM {Vm}, reported lost, is back ({State})", Node, vm.Id, vm.State);
        }
        _ = GrainFactory.VeDirectory().RoomAppearedAsync($"node {Node} back");
    }

    /// <summary>Tells each VM's grain when its VM went down (crashed, powered off): the VM grain decides whether its VE must react.</summary>
    private void ReportStateChanges(NodeSnapshot snapshot)
    {
        foreach (var vm in snapshot.Vms)
        {
            if (vm.Host != Node) continue;
            var known = _vmStates.TryGetValue(vm.Id, out var before);
            // A VM first seen crashed (just landed, or this activation is new) is reported too: its VE filters.
            if ((known ? before != vm.State && vm.State is VmState.Crashed or VmState.Stopped : vm.State == VmState.Crashed))
                GrainFactory.GetGrain<IVmGrain>(vm.Id).ObservedAsync(vm.State, Node);
            _vmStates[vm.Id] = vm.State;
        }
        if (_vmStates.Count > snapshot.Vms.Length)
            foreach (var gone in _vmStates.Keys.Except(snapshot.Vms.Select(v => v.Id)).ToList()) _vmStates.Remove(gone);
        foreach (var vm in snapshot.Vms)
            if (vm.Host == Node && vm.Image is { } image) ReportCached(image, snapshot.Site); // a VM that landed here brought its base
    }

    /// <summary>Tells the catalogue, once per image, that this node holds <paramref name="image"/>'s base: placement prefers it for that image.</summary>
    private void ReportCached(string image, string site)
    {
        if (_cachedImages.Add(image)) _ = GrainFactory.ImageCatalog().NodeCachesAsync(Node, site, image, holds: true);
    }

    public async Task LaunchAsync(VmSpec vm)
    {
        var hypervisor = Hypervisor();
        var known = (await hypervisor.ListVmsAsync()).FirstOrDefault(v => v.Id == vm.Id);
        if (known is null)
        {
            await hypervisor.DefineAsync(vm);
            ReportCached(vm.Image, _directory.SiteOf(Node)); // defining brought the VM's base here
        }
        try
        {
            if (known?.State is not VmState.Running) await hypervisor.StartAsync(vm.Id);
        }
        catch (HypervisorException) when (known is null)
        {
            // Not started here: leave no definition behind, the VE places the VM elsewhere.
            await hypervisor.UndefineAsync(vm.Id);
            throw;
        }
        _vmStates[vm.Id] = VmState.Running;
    }

    public async Task StartVmAsync(string vmId)
    {
        await Hypervisor().StartAsync(vmId);
        _vmStates[vmId] = VmState.Running;
    }

    public async Task StopVmAsync(string vmId)
    {
        await Hypervisor().DestroyAsync(vmId);
        _vmStates[vmId] = VmState.Stopped;
    }

    public Task SuspendVmAsync(string vmId) => Hypervisor().SuspendAsync(vmId);

    public Task ResumeVmAsync(string vmId) => Hypervisor().ResumeAsync(vmId);

    public async Task RemoveVmAsync(string vmId)
    {
        var hypervisor = Hypervisor();
        if ((await hypervisor.ListVmsAsync()).FirstOrDefault(v => v.Id == vmId) is not { } vm) return;
        if (vm.State is VmState.Running or VmState.Suspended) await hypervisor.DestroyAsync(vmId);
        await hypervisor.UndefineAsync(vmId);
        _vmStates.Remove(vmId);
    }

    public Task CrashVmAsync(string vmId)
    {
        var simulated = Simulated($"crash VM '{vmId}'");
        if (simulated.Datacenter.List(Node).All(v => v.Id != vmId))
            throw new HypervisorException(Node, HypervisorErrorKind.NotFound, $"crash '{vmId}': no such VM on node {Node}");
        simulated.Datacenter.Crash(Node, vmId);
        return Task.CompletedTask;
    }

    public Task CrashNodeAsync()
    {
        Simulated("crash node").Datacenter.CrashNode(Node);
        _logger.LogWarning("Node {Node}: made unreachable by fault injection", Node);
        return Task.CompletedTask;
    }

    public Task RecoverNodeAsync()
    {
        Simulated("recover node").Datacenter.RecoverNode(Node);
        _logger.LogWarning("Node {Node}: made reachable again by fault injection", Node);
        return Task.CompletedTask;
    }

    private Hypervisors.Simulated.SimulatedHypervisor Simulated(string what) =>
        _directory.Get(Node) as Hypervisors.Simulated.SimulatedHypervisor
        ?? throw new NotSupportedException($"{what}: fault injection needs the simulated hypervisor; node {Node} is driven by a real one");

    public Task<NodeStatus> GetStatusAsync() =>
        Task.FromResult(new NodeStatus(Node, _lease.Holder, _lease.PendingEvent, _maintenance, _last, _health.Down, _health.UnreachableSince));

    // A node read in memory is drawn as it is now; another from its last observation; one never observed, empty.
    public Task<NodeCell> GetCellAsync() => Task.FromResult(
        PeekNow() is { } now ? Cell(_directory.SiteOf(Node), now.CpuLoad, now.MemoryLoad, now.Vms, now.Overloaded)
        : _last is { } last ? Cell(last.Site, last.CpuLoad, last.MemoryLoad, last.Vms.Length, last.Overloaded)
        : Cell(_directory.Contains(Node) ? _directory.SiteOf(Node) : null, 0, 0, 0, false));

    /// <summary>The operator page's cell: this load, with the node's maintenance, health and reservation.</summary>
    private NodeCell Cell(string? site, double cpuLoad, double memoryLoad, int vms, bool overloaded) =>
        new(Node, site, Math.Round(cpuLoad, 3), Math.Round(memoryLoad, 3), vms, overloaded,
            _maintenance, _health.Down, _health.UnreachableSince is not null, _lease.Holder?.PartitionId);

    /// <summary>A node marked down, or drained for maintenance, is out of the overlay: it refuses partitions.</summary>
    public Task<ReserveReply> ReserveAsync(string partitionId)
    {
        if (_health.OutOfOverlay || (_maintenance && _last is { Vms.Length: 0 })) return Task.FromResult(new ReserveReply(false, null));
        var reply = _lease.Reserve(partitionId);
        if (!reply.Granted) return Task.FromResult(reply);
        var now = PeekNow();
        return Task.FromResult(reply with { CpuLoad = now?.CpuLoad ?? _last?.CpuLoad, CpuCapacity = (now?.Capacity ?? _last?.Capacity)?.Cpu });
    }

    /// <summary>The node now when this silo reads it in memory and it answers; null otherwise.</summary>
    private NodeReading? PeekNow() =>
        _directory.Contains(Node) && _directory.Get(Node) is IPeekableHypervisor peekable && peekable.Peek() is { Down: false } now ? now : null;

    /// <summary>A node in maintenance, unreachable or down asks the monitoring pass to wake it every period.</summary>
    private void WakeEveryPeriodWhenWatched() => _monitoring.Pass.WakeEveryPeriod(Node, _maintenance || _health.Troubled);

    public Task<bool> RenewAsync(string partitionId) => Task.FromResult(_lease.Renew(partitionId));

    public Task<bool> TransferAsync(string fromPartition, string toPartition) => Task.FromResult(_lease.Transfer(fromPartition, toPartition));

    public Task ReleaseAsync(string partitionId, PartitionOutcome outcome)
    {
        _lease.Release(partitionId, outcome);
        return Task.CompletedTask;
    }

    public async Task<TimeSpan> MigrateAsync(string vmId, string destination)
    {
        var source = Hypervisor();
        var target = _directory.Contains(destination) ? MigrationTarget.Of(_directory.Get(destination)) : await RemoteTargetAsync(destination);
        var outcome = await source.MigrateAsync(vmId, target);
        return outcome.Duration;
    }

    /// <summary>
    /// A node of another silo: the URI its hypervisor publishes, and its grain to hand a simulated VM over to. The URI
    /// must be the one this silo's configuration gives for that node (<see cref="MigrationUris"/>), else the migration is refused.
    /// </summary>
    private async Task<MigrationTarget> RemoteTargetAsync(string node)
    {
        var grain = GrainFactory.GetGrain<IMigrationDestination>(node);
        var uri = await grain.GetMigrationUriAsync();
        if ((ServiceProvider.GetService(typeof(MigrationUris)) as MigrationUris ?? MigrationUris.None).Refusal(node, uri) is { } refusal)
        {
            _logger.LogWarning("Node {Node}: migration to {Destination} refused: {Reason}", Node, node, refusal);
            throw new HypervisorException(Node, HypervisorErrorKind.Other, $"migration to {node} refused: {refusal}");
        }
        return new MigrationTarget(node, Uri: uri, Remote: new DestinationGrainHandOver(grain));
    }

    public Task<string?> GetMigrationUriAsync() => Task.FromResult(Hypervisor().MigrationUri);

    public Task PrepareIncomingAsync(VmSpec vm, string? imageDigest) => Hypervisor().PrepareIncomingAsync(vm, imageDigest);

    public Task AcceptIncomingAsync(IncomingVm vm)
    {
        HandOverHost().Accept(vm);
        return Task.CompletedTask;
    }

    public Task LandIncomingAsync(IncomingVm vm)
    {
        HandOverHost().Land(vm);
        return Task.CompletedTask;
    }

    public Task DropIncomingAsync(string vmId)
    {
        HandOverHost().Drop(vmId);
        return Task.CompletedTask;
    }

    private IHandOverHost HandOverHost() => Hypervisor() as IHandOverHost
        ?? throw new HypervisorException(Node, HypervisorErrorKind.Unsupported, $"node {Node} takes no hand-over: its hypervisor migrates VMs itself (peer to peer)");

    /// <summary>This node's hypervisor; a stand-in activation has none and says why.</summary>
    private IHypervisor Hypervisor() => _health.StandingIn
        ? throw new HypervisorException(Node, HypervisorErrorKind.ConnectionFailed, $"node {Node}: no live silo drives it (its silo is gone)")
        : _directory.Get(Node);

    /// <summary>The destination's side of a hand-over, through its grain.</summary>
    private sealed class DestinationGrainHandOver(IMigrationDestination grain) : IIncomingVms
    {
        public Task PrepareAsync(VmSpec vm, string? imageDigest) => grain.PrepareIncomingAsync(vm, imageDigest);
        public Task AcceptAsync(IncomingVm vm) => grain.AcceptIncomingAsync(vm);
        public Task LandAsync(IncomingVm vm) => grain.LandIncomingAsync(vm);
        public Task DropAsync(string vmId) => grain.DropIncomingAsync(vmId);
    }

    public Task SetMaintenanceAsync(bool maintenance)
    {
        if (_maintenance && !maintenance) GrainFactory.VeDirectory().RoomAppearedAsync($"node {Node} back from maintenance");
        _maintenance = maintenance;
        WakeEveryPeriodWhenWatched(); // to be drained, it is observed every period
        _logger.LogInformation("Node {Node}: maintenance {State}", Node, maintenance ? "requested" : "cancelled");
        return Task.CompletedTask;
    }
}
