using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Discovery.Hosting;

/// <summary>
/// Which live silos drive a node: those whose silo metadata lists it (<see cref="NodePlacement.MetadataKey"/>).
/// What node placement and a node grain activated away from its home ask.
/// </summary>
public sealed class NodeHomes(IServiceProvider services)
{
    private readonly ISiloMetadataCache? _metadata = services.GetService<ISiloMetadataCache>();
    private readonly IClusterMembershipService? _membership = services.GetService<IClusterMembershipService>();

    /// <summary>Whether <paramref name="silo"/>'s metadata lists <paramref name="node"/>.</summary>
    public bool Drives(SiloAddress silo, string node) =>
        _metadata is not null
        && _metadata.GetSiloMetadata(silo).Metadata.TryGetValue(NodePlacement.MetadataKey, out var nodes)
        && nodes.Split('\n').Contains(node, StringComparer.Ordinal);

    /// <summary>Whether an active silo of the cluster drives <paramref name="node"/>.</summary>
    public bool HasLiveHome(string node) =>
        _membership is not null
        && _membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && Drives(m.SiloAddress, node));
}
