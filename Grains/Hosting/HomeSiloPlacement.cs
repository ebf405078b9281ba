using Discovery.Hypervisors;
using Orleans.Runtime;

namespace Discovery.Hosting;

/// <summary>
/// Orleans activation placement (not VM placement): a node grain must live on its home silo, the one that drives
/// its hypervisor (its PoP's silo). That silo's <see cref="HypervisorDirectory"/> knows the node, and it says so in
/// its silo metadata under <see cref="MetadataKey"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.home-silo-placement")]
public sealed class HomeSiloPlacement : PlacementStrategy
{
    /// <summary>Silo metadata entry listing, one per line, the nodes whose hypervisors a silo drives.</summary>
    public const string MetadataKey = "discovery.nodes";

    internal static HomeSiloPlacement Singleton { get; } = new();

    /// <summary>The metadata a silo publishes for <paramref name="nodes"/>.</summary>
    public static string Describe(IEnumerable<string> nodes) => string.Join('\n', nodes);
}
