using System.Collections.Concurrent;

namespace Discovery.Monitoring;

/// <summary>What monitoring last saw of one node's hypervisor: whether it answered, when, and why not.</summary>
public sealed record MonitoringReading(string Node, bool Answered, DateTimeOffset At, string? Why = null);

/// <summary>
/// The last reading monitoring made of each node this silo drives (the in-memory pass, a node grain's own read, the
/// read at the silo's start). Health checks answer from here, so a flood of them never reaches a hypervisor: with
/// libvirt every call queues on the connection's single thread, ahead of monitoring itself.
/// </summary>
public sealed class MonitoringReadings
{
    private readonly ConcurrentDictionary<string, MonitoringReading> _last = new(StringComparer.Ordinal);

    /// <summary>Records a reading of <paramref name="node"/> at <paramref name="at"/>; an older one than held is ignored.</summary>
    public void Record(string node, bool answered, DateTimeOffset at, string? why = null)
    {
        var reading = new MonitoringReading(node, answered, at, answered ? null : why);
        _last.AddOrUpdate(node, reading, (_, held) => held.At > at ? held : reading);
    }

    /// <summary>The last reading of <paramref name="node"/>; null when monitoring has not read it yet.</summary>
    public MonitoringReading? Last(string node) => _last.GetValueOrDefault(node);
}
