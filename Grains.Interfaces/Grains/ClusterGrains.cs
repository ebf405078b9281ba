using Discovery.Environments;
using Discovery.Overlay;
using Discovery.Scheduling;
using Discovery.Solving;

namespace Discovery.Grains;

/// <summary>
/// The cluster's singleton grains by name, so that no caller spells a key (always 0) or mixes up which
/// directory it means. Per-key grains (nodes, VEs, VMs, partitions) keep <c>GetGrain&lt;T&gt;(key)</c>.
/// </summary>
public static class ClusterGrains
{
    /// <summary>The singletons' key.</summary>
    private const long Singleton = 0;

    /// <summary>Where every node is, its site, capacity and silo; which nodes are down.</summary>
    public static INodeDirectoryGrain NodeDirectory(this IGrainFactory grains) => grains.GetGrain<INodeDirectoryGrain>(Singleton);

    /// <summary>Every VE by state; wakes pending VEs when room appears and tells VEs about dead nodes.</summary>
    public static IVeDirectoryGrain VeDirectory(this IGrainFactory grains) => grains.GetGrain<IVeDirectoryGrain>(Singleton);

    /// <summary>Every VE's constraints, as partitions and placements read them.</summary>
    public static IConstraintDirectoryGrain ConstraintDirectory(this IGrainFactory grains) => grains.GetGrain<IConstraintDirectoryGrain>(Singleton);

    /// <summary>The cluster's event stream (VE transitions, partition notices).</summary>
    public static IEventHubGrain EventHub(this IGrainFactory grains) => grains.GetGrain<IEventHubGrain>(Singleton);

    /// <summary>The placement solver (a stateless worker: one activation per silo as needed).</summary>
    public static ISolverGrain Solver(this IGrainFactory grains) => grains.GetGrain<ISolverGrain>(Singleton);

    /// <summary>The image catalogue: every image's versions and where their chunks and bases are.</summary>
    public static Images.IImageCatalogGrain ImageCatalog(this IGrainFactory grains) => grains.GetGrain<Images.IImageCatalogGrain>(Singleton);

    /// <summary>The cluster-wide switch for node-triggered scheduling.</summary>
    public static ISchedulingControlGrain SchedulingControl(this IGrainFactory grains) => grains.GetGrain<ISchedulingControlGrain>(Singleton);
}
