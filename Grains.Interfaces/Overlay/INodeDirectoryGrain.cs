using Discovery.Security;
using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Discovery.Overlay;

/// <summary>Every monitored node of the cluster, whatever silo drives it (key 0): where VE placement looks for room.</summary>
[Alias("discovery.INodeDirectoryGrain")]
public interface INodeDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>A node is monitored (again): its site, capacity and the silo that drives it (its parsable address).</summary>
    [Alias("Join"), OneWay]
    Task JoinAsync(string node, string site, Model.Resources capacity, string? silo);

    /// <summary>
    /// A silo starting announces its nodes before it serves anything, so that VE validation, placement and the
    /// HTTP API know every node at once instead of after each node's first monitoring tick. Nodes already known
    /// keep their entry, and a node marked down stays down: only its own grain's return brings it back (its
    /// copies are ruled on then).
    /// </summary>
    [Alias("Announce")]
    Task AnnounceAsync(ImmutableArray<NodeAnnouncement> nodes);

    /// <summary>A node stopped being monitored.</summary>
    [Alias("Leave"), OneWay]
    Task LeaveAsync(string node);

    /// <summary>
    /// A node's hypervisor has been unreachable past the grace period: it leaves the nodes (no
    /// placement, no scheduler looks at it) and is listed as down until it joins again.
    /// </summary>
    [Alias("MarkDown"), OneWay]
    Task MarkDownAsync(string node);

    /// <summary>Whether <paramref name="node"/> is marked down and not back (what a node grain asks when it activates).</summary>
    [Alias("IsDown"), AlwaysInterleave]
    Task<bool> IsDownAsync(string node);

    /// <summary>Whether the directory knows <paramref name="node"/> at all (joined once, or marked down).</summary>
    [ClientAccess(Access.ReadCluster)]
    [Alias("IsKnown"), AlwaysInterleave]
    Task<bool> IsKnownAsync(string node);

    /// <summary>The nodes marked down and not back, in name order.</summary>
    [ClientAccess(Access.ReadCluster)]
    [Alias("Down"), AlwaysInterleave]
    Task<ImmutableArray<string>> DownAsync();

    /// <summary>Every node's capacity (what validating a VE needs without asking each node).</summary>
    [Alias("Capacities"), AlwaysInterleave]
    Task<ImmutableDictionary<string, Model.Resources>> CapacitiesAsync();

    /// <summary>Every node, in name order.</summary>
    [ClientAccess(Access.ReadCluster)]
    [Alias("Nodes"), AlwaysInterleave]
    Task<ImmutableArray<string>> NodesAsync();

    /// <summary>
    /// Every node not marked down, with its site and silo, and the nodes marked down, unless the directory is still at
    /// <paramref name="knownVersion"/> (then null): what each silo's overlay refreshes from, off the hot path.
    /// </summary>
    [Alias("Overlay"), AlwaysInterleave]
    Task<OverlayView?> OverlayAsync(long knownVersion);
}

/// <summary>The nodes an overlay is built from, at one version of the node directory.</summary>
[GenerateSerializer, Immutable, Alias("discovery.overlay-view")]
public sealed record OverlayView([property: Id(0)] long Version, [property: Id(1)] ImmutableArray<NodeAnnouncement> Nodes,
    [property: Id(2)] ImmutableArray<string> Down);

/// <summary>One node a silo drives: its name, site, capacity and the silo's parsable address (null when unknown).</summary>
[GenerateSerializer, Immutable, Alias("discovery.node-announcement")]
public sealed record NodeAnnouncement([property: Id(0)] string Node, [property: Id(1)] string Site, [property: Id(2)] Model.Resources Capacity,
    [property: Id(3)] string? Silo = null);
