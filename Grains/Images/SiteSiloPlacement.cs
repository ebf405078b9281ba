using Discovery.Hypervisors;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Discovery.Images;

/// <summary>
/// Orleans activation placement for a PoP's grain (key: the PoP): on a silo that drives nodes of that PoP, since the
/// PoP's chunk store is a directory on that silo's host. The local silo when it does, else a silo whose metadata names
/// the PoP (<see cref="MetadataKey"/>), else the local silo.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.site-silo-placement")]
public sealed class SiteSiloPlacement : PlacementStrategy
{
    /// <summary>Silo metadata entry naming the silo's PoP.</summary>
    public const string MetadataKey = "site";

    internal static SiteSiloPlacement Singleton { get; } = new();
}

/// <summary>Places a grain keyed by a PoP on a silo of that PoP (<see cref="SiteSiloPlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SiteSiloPlacementAttribute() : PlacementAttribute(SiteSiloPlacement.Singleton);

internal sealed class SiteSiloPlacementDirector(HypervisorDirectory directory, IServiceProvider services) : IPlacementDirector
{
    private readonly ISiloMetadataCache? _metadata = (ISiloMetadataCache?)services.GetService(typeof(ISiloMetadataCache));

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var site = target.GrainIdentity.Key.ToString() ?? "";
        var silos = context.GetCompatibleSilos(target);
        if (directory.Sites.Contains(site) && silos.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        if (_metadata is not null)
            foreach (var silo in silos)
                if (_metadata.GetSiloMetadata(silo).Metadata.TryGetValue(SiteSiloPlacement.MetadataKey, out var s) && s == site) return Task.FromResult(silo);
        return Task.FromResult(silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[0]);
    }
}
