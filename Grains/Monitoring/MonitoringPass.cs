using System.Collections.Concurrent;
using Discovery.Diagnostics;
using Discovery.Hypervisors;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.Logging;

namespace Discovery.Monitoring;

/// <summary>
/// This silo's monitoring of the nodes it can read in memory (<see cref="IPeekableHypervisor"/>): once
/// per monitoring period it reads every such node in one pass, without a grain call, and wakes a
/// node's grain only when the reading gives it something to do: an overload (or a pressure or an underload, when
/// detected), a change of its VMs or their states, an unreachable hypervisor, or a grain that asked to
/// be woken every period (maintenance, unreachable, down). Detection delay stays at most one period;
/// the node grain stays the owner of its events and its reservation. A node whose previous wake has
/// not finished is not woken again: a slow grain gets no queue of ticks.
/// </summary>
public sealed class MonitoringPass(InfrastructureClock clock, DvmsOptions options, IGrainFactory grains, CpuAccount cpu,
    MonitoringReadings readings, ILogger<MonitoringPass> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Watched> _nodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _startGate = new();
    private Task? _loop;
    private long _passes;
    private long _wakes;

    /// <summary>Passes run so far.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Node grains woken so far (a silo with quiet nodes wakes few).</summary>
    public long Wakes => Interlocked.Read(ref _wakes);

    /// <summary>Nodes watched now.</summary>
    public int Count => _nodes.Count;

    /// <summary>
    /// True when the last pass started more than half a period late: the machine does not keep up,
    /// and nodes start no new partition until it does (an event waits a period rather than failing).
    /// </summary>
    public bool Behind => _behind;

    private volatile bool _behind;

    /// <summary>Watches <paramref name="node"/> when its hypervisor can be peeked; false otherwise (its grain reads it itself).</summary>
    public bool TryWatch(string node, IHypervisor hypervisor)
    {
        if (hypervisor is not IPeekableHypervisor peekable) return false;
        _nodes.TryAdd(node, new Watched(node, peekable));
        EnsureStarted();
        return true;
    }

    /// <summary>Stops watching <paramref name="node"/>.</summary>
    public void Unwatch(string node) => _nodes.TryRemove(node, out _);

    /// <summary>The node's grain asks to be woken every period (true) or only when its reading says so (false).</summary>
    public void WakeEveryPeriod(string node, bool every)
    {
        if (_nodes.TryGetValue(node, out var w)) w.EveryPeriod = every;
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startGate) _loop ??= Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(options.MonitoringPeriod, clock.Time);
        var due = clock.Now + options.MonitoringPeriod;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                _behind = clock.Now - due > options.MonitoringPeriod / 2;
                due = clock.Now + options.MonitoringPeriod;
                var start = ThreadCpu.NowTicks();
                try { Pass(); }
                catch (Exception e) { logger.LogError(e, "Monitoring pass failed"); }
                cpu.AddMonitoring(ThreadCpu.NowTicks() - start);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One pass over every watched node.</summary>
    private void Pass()
    {
        Interlocked.Increment(ref _passes);
        var woken = 0;
        var now = clock.Now;
        foreach (var w in _nodes.Values)
        {
            if (Volatile.Read(ref w.Busy) != 0) continue;
            NodeReading reading;
            try { reading = w.Hypervisor.Peek(); }
            catch (HypervisorException) { continue; } // the node left this silo's datacentre
            readings.Record(w.Node, !reading.Down, now, reading.Down ? "unreachable" : null);
            var wake = w.EveryPeriod || reading.Down || reading.Version != w.Version || reading.Overloaded
                || (options.UnderloadThreshold is { } t && reading.Hosting && reading.CpuLoad < t)
                || (options.EffectivePressure is { } p && reading.CpuLoad > p);
            if (!wake) continue;
            w.Version = reading.Version;
            Wake(w);
            woken++;
        }
        Interlocked.Add(ref _wakes, woken);
    }

    private void Wake(Watched w)
    {
        Interlocked.Exchange(ref w.Busy, 1);
        Task observed;
        try { observed = grains.GetGrain<INodeMonitor>(w.Node).ObserveAsync(); }
        catch (Exception e) { observed = Task.FromException(e); }
        observed.ContinueWith(static (t, state) =>
        {
            var (watched, log) = ((Watched, ILogger))state!;
            if (t.Exception is { } e)
            {
                watched.Version = -1; // not seen: wake it again next period
                log.LogDebug(e.GetBaseException(), "Node {Node}: observation failed", watched.Node);
            }
            Interlocked.Exchange(ref watched.Busy, 0);
        }, (w, (ILogger)logger), TaskScheduler.Default);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private sealed class Watched(string node, IPeekableHypervisor hypervisor)
    {
        public string Node { get; } = node;
        public IPeekableHypervisor Hypervisor { get; } = hypervisor;
        public long Version = -1; // the first pass wakes every node once
        public int Busy;
        public volatile bool EveryPeriod;
    }
}
