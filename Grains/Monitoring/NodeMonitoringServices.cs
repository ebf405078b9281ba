using Discovery.Diagnostics;
using Discovery.Hosting;
using Discovery.Overlay;
using Orleans.Runtime;

namespace Discovery.Monitoring;

/// <summary>
/// What the node grains' monitoring shares with the rest of their silo, one instance per silo: the in-memory
/// monitoring pass, the CPU account monitoring is charged to, which silos drive a node (a stand-in makes way
/// when its silo returns), what this silo told the node directory, and this silo's address as the directory records it.
/// </summary>
public sealed class NodeMonitoringServices(MonitoringPass pass, CpuAccount cpu, NodeHomes homes, DirectoryEntries entries, ILocalSiloDetails local,
    MonitoringReadings readings)
{
    /// <summary>What monitoring last saw of each node, for health checks.</summary>
    public MonitoringReadings Readings { get; } = readings;

    /// <summary>Reads this silo's in-memory nodes every period and wakes their grains when there is something to see.</summary>
    public MonitoringPass Pass { get; } = pass;

    /// <summary>The CPU time monitoring costs on this silo.</summary>
    public CpuAccount Cpu { get; } = cpu;

    /// <summary>Which live silos drive a node.</summary>
    public NodeHomes Homes { get; } = homes;

    /// <summary>What this silo last told the node directory about each node (joined or marked down).</summary>
    public DirectoryEntries Entries { get; } = entries;

    /// <summary>This silo's parsable address, as the node directory records it.</summary>
    public string SiloAddress { get; } = local.SiloAddress.ToParsableString();
}
