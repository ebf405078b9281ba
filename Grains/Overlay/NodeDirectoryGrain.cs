using System.Collections.Immutable;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Storage;

namespace Discovery.Overlay;

/// <summary>
/// Every monitored node of the cluster (one activation): nodes join when their monitoring starts and
/// leave when it stops; a node whose hypervisor is unreachable is moved to the down list until it
/// joins again. Persisted (written behind), so a silo's death does not empty it.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class NodeDirectoryGrain(
    [PersistentState("node-directory", VeGrain.StorageName)] IPersistentState<NodeDirectoryState> state) : Grain, INodeDirectoryGrain
{
    private readonly WriteBehind<NodeDirectoryState> _writes = new(state);

    private ImmutableArray<string>? _nodes; // sorted, rebuilt after a change
    private ImmutableDictionary<string, Resources>? _capacities;
    private OverlayView? _overlay;
    // Random at activation: a silo's overlay that knew an earlier activation's version must not take it for this one's.
    private long _version = Random.Shared.NextInt64(1, long.MaxValue / 2);

    private Dictionary<string, NodeEntry> Sites => state.State.Nodes;
    private HashSet<string> Down => state.State.Down;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes.Start(this);
        return base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);

    public Task JoinAsync(string node, string site, Resources capacity, string? silo)
    {
        var entry = new NodeEntry(site, capacity, silo);
        if (!Sites.TryGetValue(node, out var known) || known != entry || Down.Contains(node))
        {
            Sites[node] = entry;
            Down.Remove(node);
            Changed();
        }
        return Task.CompletedTask;
    }

    public Task AnnounceAsync(ImmutableArray<NodeAnnouncement> nodes)
    {
        var added = false;
        foreach (var n in nodes)
            if (!Down.Contains(n.Node) && (!Sites.TryGetValue(n.Node, out var known) || known.Silo != n.Silo))
            {
                Sites[n.Node] = new NodeEntry(n.Site, n.Capacity, n.Silo);
                added = true;
            }
        if (added) Changed();
        return Task.CompletedTask;
    }

    public Task LeaveAsync(string node)
    {
        if (Sites.Remove(node)) Changed();
        return Task.CompletedTask;
    }

    public Task MarkDownAsync(string node)
    {
        if (Sites.Remove(node) | Down.Add(node)) Changed();
        return Task.CompletedTask;
    }

    public Task<bool> IsDownAsync(string node) => Task.FromResult(Down.Contains(node));

    public Task<bool> IsKnownAsync(string node) => Task.FromResult(Sites.ContainsKey(node) || Down.Contains(node));

    public Task<ImmutableArray<string>> DownAsync() => Task.FromResult(Down.Order(StringComparer.Ordinal).ToImmutableArray());

    public Task<ImmutableArray<string>> NodesAsync() => Task.FromResult(_nodes ??= [.. Sites.Keys.Order(StringComparer.Ordinal)]);

    public Task<ImmutableDictionary<string, Resources>> CapacitiesAsync() =>
        Task.FromResult(_capacities ??= Sites.ToImmutableDictionary(n => n.Key, n => n.Value.Capacity, StringComparer.Ordinal));

    public Task<OverlayView?> OverlayAsync(long knownVersion) =>
        Task.FromResult(knownVersion == _version ? null
            : _overlay ??= new OverlayView(_version, [.. Sites.Select(n => new NodeAnnouncement(n.Key, n.Value.Site, n.Value.Capacity, n.Value.Silo))],
            [.. Down.Order(StringComparer.Ordinal)]));

    private void Changed()
    {
        _nodes = null;
        _capacities = null;
        _overlay = null;
        _version++;
        _writes.Changed();
    }
}

/// <summary>The node directory's persisted state: each node's site and capacity, and the nodes marked down.</summary>
[GenerateSerializer, Alias("discovery.node-directory.state")]
public sealed class NodeDirectoryState
{
    [Id(0)] public Dictionary<string, NodeEntry> Nodes { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public HashSet<string> Down { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What the node directory knows of a node: its site, capacity, and the silo that drives it (parsable address).</summary>
[GenerateSerializer, Immutable, Alias("discovery.node-directory.entry")]
public sealed record NodeEntry([property: Id(0)] string Site, [property: Id(1)] Resources Capacity, [property: Id(2)] string? Silo = null);
