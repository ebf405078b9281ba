using System.Collections.Immutable;
using Discovery.Model;
using Orleans.Concurrency;

namespace Discovery.Scheduling;

/// <summary>
/// A DVMS partition (key: partition id): the leader of the nodes reserved to solve one event.
/// </summary>
[Alias("discovery.IPartitionGrain")]
public interface IPartitionGrain : IGrainWithStringKey
{
    /// <summary>Starts solving <paramref name="evt"/>; its initiator has already reserved itself. One-way: nodes never wait for partitions.</summary>
    [Alias("Start"), OneWay]
    Task StartAsync(SchedulingEvent evt);

    /// <summary>
    /// A blocked partition with a higher id asks this one to hand its nodes over. Refused once this
    /// partition applies a plan or has finished. Returns the nodes handed over.
    /// </summary>
    [Alias("Absorb"), AlwaysInterleave]
    Task<ImmutableArray<string>> AbsorbAsync(string absorberId);

    /// <summary>Current state and nodes.</summary>
    [Alias("GetState"), AlwaysInterleave]
    Task<(PartitionState State, ImmutableArray<string> Nodes)> GetStateAsync();
}
