using Discovery.Grains;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Model;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Monitoring;

/// <summary>
/// A node's grain (the seed's LRT monitoring layer): reads its hypervisor every monitoring period,
/// detects events, starts a partition for an event when it is not reserved, and holds at most one
/// reservation. Leases are checked lazily (on every tick and every reservation request): a
/// reservation whose leader has been silent for the lease timeout is dropped.
/// </summary>
[NodePlacement]
public sealed class NodeGrain(
    HypervisorDirectory directory,
    InfrastructureClock clock,
    DvmsOptions options,
    SchedulerControl control,
    SchedulingMetrics metrics,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private Reservation? _reservation;
    private string? _initiated;            // the partition this node started for its own event
    private SchedulingEvent? _pending;
    private bool _maintenance;
    private NodeSnapshot? _last;
    private DateTimeOffset _retryAfter;
    private IGrainTimer? _monitor;
    private long _sequence;

    private string Node => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placed before the silos' metadata had propagated: refuse, so the next call places it again.
        if (!directory.Contains(Node))
        {
            DeactivateOnIdle();
            throw new HypervisorException(Node, HypervisorErrorKind.NotFound, $"node '{Node}' is not driven by this silo; retry");
        }
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<NodeSnapshot> GetSnapshotAsync()
    {
        var hypervisor = directory.Get(Node);
        var host = await hypervisor.GetHostInfoAsync();
        var vms = await hypervisor.ListVmsAsync();
        _last = new NodeSnapshot(Node, directory.SiteOf(Node), host.Capacity,
            [.. vms.Select(v => v.ToSnapshot(Node))], _maintenance, clock.Now);
        return _last;
    }

    public Task StartMonitoringAsync()
    {
        if (_monitor is null)
        {
            // Spread the nodes' ticks over the period so thousands of nodes do not tick at once.
            var phase = (uint)StringComparer.Ordinal.GetHashCode(Node) % 1000 / 1000.0;
            _monitor = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
            {
                DueTime = options.MonitoringPeriod * phase,
                Period = options.MonitoringPeriod,
                KeepAlive = true,
            });
        }
        return Task.CompletedTask;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        DropExpiredLease();
        NodeSnapshot snapshot;
        try
        {
            snapshot = await GetSnapshotAsync();
        }
        catch (HypervisorException e)
        {
            logger.LogWarning(e, "Node {Node}: cannot read its hypervisor", Node);
            return;
        }
        if (!options.Enabled || control.Paused || _reservation is not null || clock.Now < _retryAfter) return;
        if (EventDetector.Detect(snapshot, options.UnderloadThreshold) is not { } kind) return;

        var evt = new SchedulingEvent(Node, kind, clock.Now, snapshot.Demand, snapshot.Capacity);
        var partition = PartitionIds.New(Node, evt.DetectedAt, ++_sequence);
        // The initiator reserves itself before the partition exists: no other partition can take it meanwhile.
        _reservation = new Reservation(partition, clock.Now);
        _initiated = partition;
        _pending = evt;
        metrics.EventsDetected.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
        logger.LogInformation("Node {Node}: {Kind} ({Demand} of {Capacity}), starting partition {Partition}",
            Node, kind, snapshot.Demand, snapshot.Capacity, partition);
        await GrainFactory.GetGrain<IPartitionGrain>(partition).StartAsync(evt);
    }

    public Task<NodeStatus> GetStatusAsync()
    {
        DropExpiredLease();
        return Task.FromResult(new NodeStatus(Node, _reservation, _pending, _maintenance, _last));
    }

    public Task<ReserveReply> ReserveAsync(string partitionId)
    {
        DropExpiredLease();
        if (_reservation is not null && _reservation.PartitionId != partitionId)
            return Task.FromResult(new ReserveReply(false, _reservation.PartitionId));
        _reservation = new Reservation(partitionId, clock.Now);
        return Task.FromResult(ReserveReply.Grant);
    }

    public Task<bool> RenewAsync(string partitionId)
    {
        DropExpiredLease();
        if (_reservation?.PartitionId != partitionId) return Task.FromResult(false);
        _reservation = _reservation with { RenewedAt = clock.Now };
        return Task.FromResult(true);
    }

    public Task<bool> TransferAsync(string fromPartition, string toPartition)
    {
        DropExpiredLease();
        if (_reservation?.PartitionId != fromPartition) return Task.FromResult(false);
        _reservation = new Reservation(toPartition, clock.Now);
        if (_initiated == fromPartition) _initiated = toPartition; // the absorber now carries this node's event
        return Task.FromResult(true);
    }

    public Task ReleaseAsync(string partitionId, PartitionOutcome outcome)
    {
        if (_reservation?.PartitionId == partitionId) _reservation = null;
        if (_initiated == partitionId)
        {
            _initiated = null;
            _pending = null;
            if (outcome is PartitionOutcome.GaveUp or PartitionOutcome.Failed) _retryAfter = clock.Now + options.RetryBackoff;
        }
        return Task.CompletedTask;
    }

    public async Task<TimeSpan> MigrateAsync(string vmId, string destination)
    {
        var outcome = await directory.Get(Node).MigrateAsync(vmId, directory.Get(destination));
        return outcome.Duration;
    }

    public Task SetMaintenanceAsync(bool maintenance)
    {
        _maintenance = maintenance;
        logger.LogInformation("Node {Node}: maintenance {State}", Node, maintenance ? "requested" : "cancelled");
        return Task.CompletedTask;
    }

    private void DropExpiredLease()
    {
        if (_reservation is null || clock.Now - _reservation.RenewedAt <= options.LeaseTimeout) return;
        logger.LogWarning("Node {Node}: partition {Partition} silent for {Seconds:0.0} s, reservation dropped",
            Node, _reservation.PartitionId, (clock.Now - _reservation.RenewedAt).TotalSeconds);
        metrics.ReservationsExpired.Add(1);
        if (_initiated == _reservation.PartitionId)
        {
            _initiated = null;
            _pending = null;
        }
        _reservation = null;
    }
}
