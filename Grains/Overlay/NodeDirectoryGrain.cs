using System.Collections.Immutable;
using Discovery.Grains;

namespace Discovery.Overlay;

/// <summary>
/// Every monitored node of the cluster (one activation): nodes join when their monitoring starts and
/// leave when it stops; a node whose hypervisor is unreachable is moved to the down list until it joins again.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)] // cluster-wide, in memory: never collected when idle
public sealed class NodeDirectoryGrain : Grain, INodeDirectoryGrain
{
    private readonly SortedDictionary<string, string> _sites = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _down = new(StringComparer.Ordinal);

    public Task JoinAsync(string node, string site)
    {
        _sites[node] = site;
        _down.Remove(node);
        return Task.CompletedTask;
    }

    public Task LeaveAsync(string node)
    {
        _sites.Remove(node);
        return Task.CompletedTask;
    }

    public Task MarkDownAsync(string node)
    {
        _sites.Remove(node);
        _down.Add(node);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> DownAsync() => Task.FromResult(_down.ToImmutableArray());

    public Task<ImmutableArray<string>> NodesAsync() => Task.FromResult(_sites.Keys.ToImmutableArray());
}
