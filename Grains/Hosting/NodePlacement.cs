using Discovery.Hypervisors;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Discovery.Hosting;

/// <summary>
/// A node grain must live on the silo that drives its hypervisor (its PoP's silo): that silo is the
/// one whose <see cref="HypervisorDirectory"/> knows the node, and it says so in its silo metadata
/// under <see cref="MetadataKey"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.node-placement")]
public sealed class NodePlacement : PlacementStrategy
{
    /// <summary>Silo metadata entry listing, one per line, the nodes whose hypervisors a silo drives.</summary>
    public const string MetadataKey = "discovery.nodes";

    internal static NodePlacement Singleton { get; } = new();

    /// <summary>The metadata a silo publishes for <paramref name="nodes"/>.</summary>
    public static string Describe(IEnumerable<string> nodes) => string.Join('\n', nodes);
}

/// <summary>Places the grain with <see cref="NodePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacement.Singleton);

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
