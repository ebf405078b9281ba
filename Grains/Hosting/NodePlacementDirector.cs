using Discovery.Hypervisors;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Discovery.Hosting;

/// <summary>
/// The local silo when its directory knows the node; otherwise the compatible silo whose metadata
/// lists it; otherwise (metadata not yet propagated) the local silo, and the grain's activation
/// refuses to serve a node it cannot reach so that the next call places it again.
/// </summary>
internal sealed class NodePlacementDirector(HypervisorDirectory directory, IServiceProvider services) : IPlacementDirector
{
    private readonly ISiloMetadataCache? _metadata = services.GetService<ISiloMetadataCache>();

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var node = target.GrainIdentity.Key.ToString() ?? "";
        var silos = context.GetCompatibleSilos(target);
        if (directory.Contains(node) && silos.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        if (_metadata is not null)
            foreach (var silo in silos)
                if (_metadata.GetSiloMetadata(silo).Metadata.TryGetValue(NodePlacement.MetadataKey, out var nodes)
                    && nodes.Split('\n').Contains(node, StringComparer.Ordinal))
                    return Task.FromResult(silo);
        return Task.FromResult(silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[Random.Shared.Next(silos.Length)]);
    }
}
