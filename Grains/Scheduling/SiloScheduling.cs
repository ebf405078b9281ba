using System.Collections.Concurrent;
using System.Diagnostics;
using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Monitoring;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Discovery.Scheduling;

/// <summary>
/// This silo's share of scheduling, per silo by design: it follows the silo's own lifecycle. When the
/// silo stops, before it leaves the cluster, it stops the monitoring of the nodes this silo drives,
/// tells the partitions running here to end (each releases its nodes), and waits a bounded time for
/// them, so that nothing keeps activating grains on a silo that is going away.
/// </summary>
public sealed class SiloScheduling(HypervisorDirectory directory, IGrainFactory grains, DvmsOptions options, ILogger<SiloScheduling> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a stopping silo waits for its partitions to release their nodes (a plan in flight finishes its step).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, byte> _partitions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deciding = new(StringComparer.Ordinal); // under its own lock
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>True once the silo is stopping: no new partition, no monitoring tick, no new plan step.</summary>
    public bool Stopping => _stopping.IsCancellationRequested;

    /// <summary>Cancelled when the silo starts stopping.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>
    /// True once a node's monitoring was started on this silo: a node grain activated here later (after
    /// a deactivation, or moved here when its silo died) starts monitoring by itself.
    /// </summary>
    public bool Monitoring { get; private set; }

    /// <summary>A node's monitoring started on this silo.</summary>
    public void MonitoringStarted() => Monitoring = true;

    /// <summary>
    /// Takes a deciding slot for <paramref name="partition"/> before its node starts it. Partitions still deciding
    /// (growing, solving, merging) take CPU; one applying its plan only waits for migrations. False when the silo
    /// has <paramref name="limit"/> deciding already (<see cref="DvmsOptions.MaxDecidingPartitions"/>): under a storm
    /// fewer partitions start rather than many fail. Atomic, so that nodes woken in one pass cannot all pass at once.
    /// </summary>
    public bool TryAdmit(string partition, int limit)
    {
        lock (_deciding) return _deciding.Count < limit && _deciding.Add(partition);
    }

    /// <summary>A partition (or a centralized round) started on this silo.</summary>
    public void Entered(string partition)
    {
        _partitions.TryAdd(partition, 0);
        lock (_deciding) _deciding.Add(partition);
    }

    /// <summary>It has decided: it applies its plan now.</summary>
    public void Decided(string partition)
    {
        lock (_deciding) _deciding.Remove(partition);
    }

    /// <summary>It ended, its nodes released.</summary>
    public void Left(string partition)
    {
        _partitions.TryRemove(partition, out _);
        Decided(partition);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloScheduling), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var nodes = directory.Nodes;
        // Skip: the silo is stopping whatever a node answers; one that did not stop is logged and the others still stop.
        await FanOut.FailedAsync(nodes, n => grains.GetGrain<INodeMonitor>(n).StopMonitoringAsync(),
            (n, e) => logger.LogDebug(e, "Node {Node}: monitoring not stopped", n), options.FanOutWidth);
        var waited = Stopwatch.StartNew();
        while (!_partitions.IsEmpty && waited.Elapsed < ShutdownGrace && !cancellationToken.IsCancellationRequested)
            await Task.Delay(50, CancellationToken.None);
        if (_partitions.IsEmpty)
            logger.LogInformation("Scheduling stopped: {Nodes} node(s) no longer monitored, no partition running", nodes.Count);
        else
            logger.LogWarning("Scheduling stopped with {Count} partition(s) still running after {Seconds:0} s; their leases will expire",
                _partitions.Count, waited.Elapsed.TotalSeconds);
    }
}
