using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Discovery.Hosting;

/// <summary>
/// Which live silos drive a node: those whose silo metadata lists it (<see cref="HomeSiloPlacement.MetadataKey"/>).
/// What node placement and a node grain activated away from its home ask.
/// </summary>
public sealed class NodeHomes(IServiceProvider services)
{
    private readonly ISiloMetadataCache? _metadata = services.GetService<ISiloMetadataCache>();
    private readonly IClusterMembershipService? _membership = services.GetService<IClusterMembershipService>();
    // A silo's metadata is fixed for its lifetime (its address carries its generation): parsed once per silo.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SiloAddress, System.Collections.Frozen.FrozenSet<string>> _nodes = new();

    /// <summary>Whether <paramref name="silo"/>'s metadata lists <paramref name="node"/>.</summary>
    public bool Drives(SiloAddress silo, string node)
    {
        if (_metadata is null) return false;
        if (!_nodes.TryGetValue(silo, out var nodes))
        {
            if (!_metadata.GetSiloMetadata(silo).Metadata.TryGetValue(HomeSiloPlacement.MetadataKey, out var listed)) return false; // not propagated yet: ask again later
            nodes = _nodes.GetOrAdd(silo, System.Collections.Frozen.FrozenSet.ToFrozenSet(listed.Split('\n'), StringComparer.Ordinal));
        }
        return nodes.Contains(node);
    }

    /// <summary>Whether an active silo of the cluster drives <paramref name="node"/>.</summary>
    public bool HasLiveHome(string node) =>
        _membership is not null
        && _membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && Drives(m.SiloAddress, node));
}
