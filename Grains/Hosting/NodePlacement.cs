using Discovery.Hypervisors;
using Orleans.Runtime;

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
