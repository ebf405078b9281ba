using System.Collections.Immutable;
using Discovery.Grains;
using Discovery.Security;
using Discovery.Storage;
using Discovery.Validation;

namespace Discovery.Images;

/// <summary>The catalogue's persisted state: every version of every image, by name.</summary>
[GenerateSerializer, Alias("discovery.image-catalog-state")]
public sealed class ImageCatalogState
{
    /// <summary>Versions of each image, oldest first.</summary>
    [Id(0)] public Dictionary<string, List<ImageManifest>> Images { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The cluster's image catalogue (<see cref="IImageCatalogGrain"/>). Manifests persist (written behind); where the
/// chunks and cached bases are is kept in memory and reported again by the stores (on their activation, and when asked
/// here on this grain's activation) and by the nodes.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class ImageCatalogGrain(
    [PersistentState("image-catalog", Environments.VeGrain.StorageName)] IPersistentState<ImageCatalogState> state,
    ImageStoreOptions options) : Grain, IImageCatalogGrain
{
    private readonly WriteBehind<ImageCatalogState> _writes = new(state);
    private readonly Dictionary<string, HashSet<string>> _chunksAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Site, HashSet<string> Images)> _nodes = new(StringComparer.Ordinal);

    private Dictionary<string, List<ImageManifest>> Images => state.State.Images;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes.Start(this);
        // Locations live in memory: ask every PoP's store what it holds (each answers through ChunksChanged).
        var view = await GrainFactory.NodeDirectory().OverlayAsync(-1);
        foreach (var site in view?.Nodes.Select(n => n.Site).Distinct(StringComparer.Ordinal) ?? [])
            _ = GrainFactory.GetGrain<ISiteImageStoreGrain>(site).HeldAsync().ContinueWith(held =>
            {
                if (held.IsCompletedSuccessfully) this.AsReference<IImageCatalogGrain>().ChunksChangedAsync(site, held.Result, [], full: true);
            }, TaskScheduler.Current);
        await base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);

    public async Task<ImageManifest> RegisterAsync(ImageManifest image, string site)
    {
        var caller = CallerContext.Current;
        if (image.Synthetic && caller is not null)
            throw new ArgumentException("simulated: only a silo registers simulated images; push the image's bytes");
        if (!ImageCatalog.IsValidName(image.Name))
            throw new ArgumentException($"name: '{image.Name}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)");
        if (image.Format is not ("raw" or "qcow2")) throw new ArgumentException($"format: '{image.Format}' is not raw or qcow2");
        if (caller is { Role: Role.Tenant } && image.Tenant != caller.Tenant)
            throw new AccessDeniedException($"{caller} may push private images of tenant '{caller.Tenant}' only (--tenant {caller.Tenant})", AccessRefusal.Forbidden);
        if (Images.TryGetValue(image.Name, out var versions) && versions[^1].Tenant != image.Tenant)
            throw new AccessDeniedException(caller is { Role: Role.Tenant } && versions[^1].Tenant is not null
                ? $"image name '{image.Name}' is taken; choose another name" // says nothing of whose
                : versions[^1].Tenant is null ? $"image '{image.Name}' is public; a tenant's private image needs another name"
                : $"image '{image.Name}' is private to tenant '{versions[^1].Tenant}'; choose another name", AccessRefusal.Forbidden);
        foreach (var blob in image.Blobs)
            if (blob.Size != blob.Chunks.Sum(c => (long)c.Size) || blob.Chunks.Any(c => !ImageDigests.IsDigest(c.Digest) || c.Size <= 0))
                throw new ArgumentException($"blob {blob.Digest}: its size or chunk list does not add up");
        if (!image.Synthetic)
        {
            // Asked of the store itself: its reports to this grain are one-way and may not have arrived yet.
            var store = GrainFactory.GetGrain<ISiteImageStoreGrain>(site);
            var absent = await store.MissingAsync([.. image.Chunks.Select(c => c.Digest)]);
            if (absent.Length > 0) throw new ArgumentException($"{absent.Length} of the image's {image.Chunks.Count} chunk(s) are not in PoP {site}'s store: push them first");
            if (image.Format == "qcow2")
            {
                var start = image.Disk.Chunks.IsEmpty ? [] : await store.ReadChunkAsync(image.Disk.Chunks[0].Digest) ?? [];
                if (Qcow2Header.Problem(start, image.Format) is { } problem) throw new ArgumentException(problem);
            }
            await ChunksChangedAsync(site, [.. image.Chunks.Select(c => c.Digest)], []);
        }
        versions = Images.GetValueOrDefault(image.Name); // the awaits above let other calls in
        if (versions is not null && versions[^1].Digest == image.Digest) return versions[^1]; // the same content again: nothing new
        var stored = image with { Version = (versions?[^1].Version ?? 0) + 1, Pushed = image.Pushed == default ? DateTimeOffset.UtcNow : image.Pushed };
        (Images.TryGetValue(image.Name, out var list) ? list : Images[image.Name] = []).Add(stored);
        _writes.Changed();
        return stored;
    }

    public Task<ImageManifest?> FindAsync(string name) => FindVersionAsync(name, null);

    public Task<ImageManifest?> FindVersionAsync(string name, string? digest) =>
        Task.FromResult(Images.TryGetValue(name, out var versions) && Visible(versions[^1])
            ? digest is null ? versions[^1] : versions.LastOrDefault(v => v.Digest == digest)
            : null);

    public Task<ImmutableArray<ImageSummary>> ListAsync() => Task.FromResult(Images.Values
        .Where(v => Visible(v[^1])).OrderBy(v => v[^1].Name, StringComparer.Ordinal)
        .Select(v => new ImageSummary(v[^1], v.Count, SitesHolding(v[^1]), _nodes.Values.Count(n => n.Images.Contains(v[^1].Name))))
        .ToImmutableArray());

    public Task<bool> DeleteAsync(string name)
    {
        if (!Images.TryGetValue(name, out var versions) || !Visible(versions[^1])) return Task.FromResult(false);
        if (CallerContext.Current is { Role: Role.Tenant } caller && versions[^1].Tenant != caller.Tenant)
            throw new AccessDeniedException($"{caller} may delete its own private images only; '{name}' is public", AccessRefusal.Forbidden);
        Images.Remove(name);
        _writes.Changed();
        return Task.FromResult(true);
    }

    public async Task<string> UploadSiteAsync()
    {
        var view = await GrainFactory.NodeDirectory().OverlayAsync(-1);
        return view?.Nodes.Select(n => n.Site).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("the cluster has no node yet, so no PoP to store images at");
    }

    public Task<ImageNames> NamesAsync(string? tenant) => Task.FromResult(new ImageNames(Images.Values
        .Where(v => v[^1].Tenant is null || v[^1].Tenant == tenant).Select(v => v[^1].Name).Order(StringComparer.Ordinal).ToImmutableArray(), Images.Count == 0));

    public Task ChunksChangedAsync(string site, ImmutableArray<string> added, ImmutableArray<string> removed, bool full = false)
    {
        if (!_chunksAt.TryGetValue(site, out var held) || full) _chunksAt[site] = held = new(StringComparer.Ordinal);
        held.UnionWith(added);
        held.ExceptWith(removed);
        return Task.CompletedTask;
    }

    public Task<ImmutableDictionary<string, ImmutableArray<string>>> HoldersAsync(ImmutableArray<string> digests) =>
        Task.FromResult(digests.Distinct(StringComparer.Ordinal).ToImmutableDictionary(d => d,
            d => _chunksAt.Where(s => s.Value.Contains(d)).Select(s => s.Key).Order(StringComparer.Ordinal).ToImmutableArray(), StringComparer.Ordinal));

    public Task NodeCachesAsync(string node, string site, string image, bool holds)
    {
        if (!_nodes.TryGetValue(node, out var entry)) _nodes[node] = entry = (site, new(StringComparer.Ordinal));
        if (holds) entry.Images.Add(image); else entry.Images.Remove(image);
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> NeededAtAsync(string site)
    {
        // The images this PoP's nodes cache (every version: a node may run an older one), and every chunk of a registered
        // image that no other PoP holds: evicting it would lose the image.
        var cached = _nodes.Values.Where(n => n.Site == site).SelectMany(n => n.Images).ToHashSet(StringComparer.Ordinal);
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var here = _chunksAt.GetValueOrDefault(site);
        foreach (var (name, versions) in Images)
            foreach (var version in versions)
                foreach (var chunk in version.Chunks)
                    if (cached.Contains(name) || (here?.Contains(chunk.Digest) == true && !_chunksAt.Any(s => s.Key != site && s.Value.Contains(chunk.Digest))))
                        needed.Add(chunk.Digest);
        return Task.FromResult(needed.ToImmutableArray());
    }

    public Task<ImmutableDictionary<string, ImmutableDictionary<string, int>>> FetchSecondsAsync(ImmutableArray<string> images, ImmutableDictionary<string, string> nodes)
    {
        var estimate = new FetchEstimate(options.Bandwidths, _chunksAt);
        // Per image and PoP, computed once: a call may ask for every node of a large cluster.
        var known = images.Distinct(StringComparer.Ordinal).Where(Images.ContainsKey).Select(i => Images[i][^1]).Select(i => (Image: i, ToNode: estimate.ToNode(i.Size))).ToList();
        var perSite = new Dictionary<(string, string), int>();
        return Task.FromResult(nodes.ToImmutableDictionary(n => n.Key, n => known.ToImmutableDictionary(i => i.Image.Name, i =>
        {
            if (_nodes.TryGetValue(n.Key, out var cached) && cached.Images.Contains(i.Image.Name)) return 0;
            if (!perSite.TryGetValue((n.Value, i.Image.Name), out var seconds))
                perSite[(n.Value, i.Image.Name)] = seconds = (int)Math.Ceiling(estimate.ToSite(i.Image, n.Value) + i.ToNode);
            return seconds;
        }, StringComparer.Ordinal), StringComparer.Ordinal));
    }

    private bool Visible(ImageManifest image) => CallerContext.Current is not { Role: Role.Tenant } caller || image.VisibleTo(caller.Tenant, operatorCaller: false);

    private ImmutableArray<string> SitesHolding(ImageManifest image) => image.Synthetic
        ? [.. _chunksAt.Keys.Order(StringComparer.Ordinal)] // simulated content is everywhere at once
        : [.. _chunksAt.Where(s => image.Chunks.All(c => s.Value.Contains(c.Digest))).Select(s => s.Key).Order(StringComparer.Ordinal)];
}
