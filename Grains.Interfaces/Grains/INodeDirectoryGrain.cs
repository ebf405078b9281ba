using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Discovery.Grains;

/// <summary>Every monitored node of the cluster, whatever silo drives it (key 0): where VE placement looks for room.</summary>
[Alias("discovery.INodeDirectoryGrain")]
public interface INodeDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>A node started being monitored.</summary>
    [Alias("Join"), OneWay]
    Task JoinAsync(string node, string site);

    /// <summary>A node stopped being monitored.</summary>
    [Alias("Leave"), OneWay]
    Task LeaveAsync(string node);

    /// <summary>Every node, in name order.</summary>
    [Alias("Nodes"), AlwaysInterleave]
    Task<ImmutableArray<string>> NodesAsync();
}
