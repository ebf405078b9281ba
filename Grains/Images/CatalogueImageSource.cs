using Discovery.Grains;

namespace Discovery.Images;

/// <summary>
/// The <see cref="IImageSource"/> of the nodes of one PoP: manifests from the catalogue, bytes from the PoP's chunk
/// store, which first pulls what it lacks from the other PoPs (<see cref="ISiteImageStoreGrain.EnsureAsync"/>). Each
/// chunk is verified again on its way to the node.
/// </summary>
public sealed class CatalogueImageSource(IGrainFactory grains, string site) : IImageSource
{
    /// <inheritdoc />
    public Task<ImageManifest?> FindAsync(string name, CancellationToken cancellationToken = default) => FindAsync(name, null, cancellationToken);

    /// <inheritdoc />
    public async Task<ImageManifest?> FindAsync(string name, string? digest, CancellationToken cancellationToken = default)
    {
        ActAsTheSilo();
        return await grains.ImageCatalog().FindVersionAsync(name, digest).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task CopyToAsync(ImageBlob blob, Stream destination, CancellationToken cancellationToken = default)
    {
        ActAsTheSilo();
        var store = grains.GetGrain<ISiteImageStoreGrain>(site);
        await store.EnsureAsync(blob.Chunks).WaitAsync(cancellationToken);
        foreach (var chunk in blob.Chunks)
        {
            // A chunk the store found corrupt is dropped there: one more pull brings it again.
            var bytes = await store.ReadChunkAsync(chunk.Digest);
            if (bytes is null)
            {
                await store.EnsureAsync([chunk]);
                bytes = await store.ReadChunkAsync(chunk.Digest) ?? throw new InvalidOperationException($"chunk {chunk.Digest[..12]}… of blob {blob.Digest[..12]}… is in no PoP's store");
            }
            if (ImageChunker.Digest(bytes) != chunk.Digest) throw new InvalidOperationException($"chunk {chunk.Digest[..12]}… arrived damaged");
            await destination.WriteAsync(bytes, cancellationToken);
        }
    }

    /// <summary>
    /// A node's hypervisor fetches its bases on the silo's own behalf, often off any grain (a shared upload on the thread
    /// pool) with the request context of the call that first needed it: without the caller's token its calls are the
    /// silo's (marked internal), not the client's. The caller the silo validated stays: the catalogue still shows a
    /// tenant's VM only the images that tenant may boot. Only this async flow changes: the caller's context is untouched.
    /// </summary>
    private static void ActAsTheSilo() => RequestContext.Remove(Security.CallerContext.TokenKey);
}

/// <summary>One <see cref="CatalogueImageSource"/> per PoP of this silo.</summary>
public sealed class ImageSources(IGrainFactory grains)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IImageSource> _sources = new(StringComparer.Ordinal);

    /// <summary>The source of <paramref name="site"/>'s nodes.</summary>
    public IImageSource For(string site) => _sources.GetOrAdd(site, s => new CatalogueImageSource(grains, s));
}
