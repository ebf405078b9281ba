using System.Collections.Immutable;
using Discovery.Security;
using Orleans.Concurrency;

namespace Discovery.Images;

/// <summary>
/// The cluster's image catalogue (one activation): every image's versions, who may boot it, and where its bytes are:
/// which PoP's chunk store holds which chunks, which node caches which image. Manifests persist; locations are
/// reported again by the stores and nodes that hold them.
/// </summary>
[Alias("discovery.IImageCatalogGrain")]
public interface IImageCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers a pushed image (its chunks must be in <paramref name="site"/>'s store already): a new version when its
    /// content differs from the name's latest, else the latest unchanged. Refused when the name is another tenant's.
    /// </summary>
    [Alias("Register"), ClientAccess(Access.PushImage)]
    Task<ImageManifest> RegisterAsync(ImageManifest image, string site);

    /// <summary>The latest version of <paramref name="name"/> the caller may see; null when none.</summary>
    [Alias("Find"), ReadOnly, ClientAccess(Access.ReadImages)]
    Task<ImageManifest?> FindAsync(string name);

    /// <summary>The version of <paramref name="name"/> of digest <paramref name="digest"/> (the latest when null) the caller may see; null when none (a deleted image's versions are gone).</summary>
    [Alias("FindVersion"), ReadOnly]
    Task<ImageManifest?> FindVersionAsync(string name, string? digest);

    /// <summary>The latest version of every image the caller may see, by name, with the PoPs that hold it whole.</summary>
    [Alias("List"), ReadOnly, ClientAccess(Access.ReadImages)]
    Task<ImmutableArray<ImageSummary>> ListAsync();

    /// <summary>Forgets every version of <paramref name="name"/>; running VMs keep their cached bases. False when there was none.</summary>
    [Alias("Delete"), ClientAccess(Access.PushImage)]
    Task<bool> DeleteAsync(string name);

    /// <summary>The PoP a client pushes to when it names none.</summary>
    [Alias("UploadSite"), ClientAccess(Access.PushImage)]
    Task<string> UploadSiteAsync();

    /// <summary>The names a VE of <paramref name="tenant"/> may boot (the public images and the tenant's own), and whether the catalogue holds any image.</summary>
    [Alias("Names"), ReadOnly]
    Task<ImageNames> NamesAsync(string? tenant);

    /// <summary>A PoP's store gained and lost chunks (<paramref name="full"/>: this is all it holds).</summary>
    [Alias("ChunksChanged"), OneWay]
    Task ChunksChangedAsync(string site, ImmutableArray<string> added, ImmutableArray<string> removed, bool full = false);

    /// <summary>Which PoPs hold each of <paramref name="digests"/>.</summary>
    [Alias("Holders"), ReadOnly]
    Task<ImmutableDictionary<string, ImmutableArray<string>>> HoldersAsync(ImmutableArray<string> digests);

    /// <summary>Node <paramref name="node"/> (of <paramref name="site"/>) holds image <paramref name="image"/>'s base, or no longer does.</summary>
    [Alias("NodeCaches"), OneWay]
    Task NodeCachesAsync(string node, string site, string image, bool holds);

    /// <summary>The chunks the images cached on <paramref name="site"/>'s nodes need: what its store must not evict.</summary>
    [Alias("NeededAt"), ReadOnly]
    Task<ImmutableArray<string>> NeededAtAsync(string site);

    /// <summary>
    /// Seconds to bring each of <paramref name="images"/> to each node of <paramref name="nodes"/> (node to its PoP):
    /// 0 where the node caches it, else the pull of the chunks its PoP lacks from the PoPs that hold them, then the
    /// node's own copy over its link. An image the catalogue does not know costs nothing (nothing to fetch).
    /// </summary>
    [Alias("FetchSeconds"), ReadOnly]
    Task<ImmutableDictionary<string, ImmutableDictionary<string, int>>> FetchSecondsAsync(ImmutableArray<string> images, ImmutableDictionary<string, string> nodes);
}

/// <summary>The names a tenant may boot; <see cref="CatalogueEmpty"/>: the catalogue holds no image at all (any plain name then passes).</summary>
[GenerateSerializer, Immutable, Alias("discovery.image-names")]
public sealed record ImageNames([property: Id(0)] ImmutableArray<string> Visible, [property: Id(1)] bool CatalogueEmpty);

/// <summary>An image as listed: its latest manifest, how many versions it has, the PoPs that hold all its chunks.</summary>
[GenerateSerializer, Immutable, Alias("discovery.image-summary")]
public sealed record ImageSummary(
    [property: Id(0)] ImageManifest Latest,
    [property: Id(1)] int Versions,
    [property: Id(2)] ImmutableArray<string> Sites,
    [property: Id(3)] int CachedOnNodes);
