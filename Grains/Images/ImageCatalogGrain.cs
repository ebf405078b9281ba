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

    public Task<ImageManifest> RegisterAsync(ImageManifest image, string site)
    {
        var caller = CallerContext.Current;
        if (!ImageCatalog.IsValidName(image.Name))
            throw new ArgumentException($"name: '{image.Name}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)");
        if (image.Format is not ("raw" or "qcow2")) throw new ArgumentException($"format: '{image.Format}' is not raw or qcow2");
        if (caller is { Role: Role.Tenant } && image.Tenant != caller.Tenant)
            throw new AccessDeniedException($"{caller} may push private images of tenant '{caller.Tenant}' only (--tenant {caller.Tenant})", AccessRefusal.Forbidden);
        if (Images.TryGetValue(image.Name, out var versions) && versions[^1].Tenant != image.Tenant)
            throw new AccessDeniedException(versions[^1].Tenant is { } owner
                ? $"image '{image.Name}' is private to another tenant; choose another name"
                : $"image '{image.Name}' is public; a tenant's private image needs another name", AccessRefusal.Forbidden);
        if (!image.Synthetic)
        {
            var held = _chunksAt.GetValueOrDefault(site);
            var absent = image.Chunks.Count(c => held?.Contains(c.Digest) != true);
            if (absent > 0) throw new ArgumentException($"{absent} of the image's {image.Chunks.Count} chunk(s) are not in PoP {site}'s store: push them first");
        }
        if (versions is not null && versions[^1].Digest == image.Digest) return Task.FromResult(versions[^1]); // the same content again: nothing new
        var stored = image with { Version = (versions?[^1].Version ?? 0) + 1, Pushed = image.Pushed == default ? DateTimeOffset.UtcNow : image.Pushed };
        (Images.TryGetValue(image.Name, out var list) ? list : Images[image.Name] = []).Add(stored);
        _writes.Changed();
        return Task.FromResult(stored);
    }

    public Task<ImageManifest?> FindAsync(string name) =>
        Task.FromResult(Images.TryGetValue(name, out var versions) && Visible(versions[^1]) ? versions[^1] : null);

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

    public Task<ImmutableArray<string>> NamesAsync(string? tenant) => Task.FromResult(Images.Values
        .Where(v => v[^1].Tenant is null || v[^1].Tenant == tenant).Select(v => v[^1].Name).Order(StringComparer.Ordinal).ToImmutableArray());

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

    public Task<ImmutableArray<string>> NeededAtAsync(string site) => Task.FromResult(_nodes.Values.Where(n => n.Site == site)
        .SelectMany(n => n.Images).Distinct(StringComparer.Ordinal)
        .SelectMany(i => Images.TryGetValue(i, out var v) ? v[^1].Chunks.Select(c => c.Digest) : [])
        .Distinct(StringComparer.Ordinal).ToImmutableArray());

    public Task<ImmutableDictionary<string, ImmutableDictionary<string, int>>> FetchSecondsAsync(ImmutableArray<string> images, ImmutableDictionary<string, string> nodes)
    {
        var estimate = new FetchEstimate(options.Bandwidths, _chunksAt);
        var known = images.Distinct(StringComparer.Ordinal).Where(Images.ContainsKey).Select(i => Images[i][^1]).ToList();
        var perSite = new Dictionary<(string, string), double>();
        return Task.FromResult(nodes.ToImmutableDictionary(n => n.Key, n => known.ToImmutableDictionary(i => i.Name, i =>
        {
            if (_nodes.TryGetValue(n.Key, out var cached) && cached.Images.Contains(i.Name)) return 0;
            if (!perSite.TryGetValue((n.Value, i.Name), out var toSite)) perSite[(n.Value, i.Name)] = toSite = estimate.ToSite(i, n.Value);
            return (int)Math.Ceiling(toSite + estimate.ToNode(i));
        }, StringComparer.Ordinal), StringComparer.Ordinal));
    }

    private bool Visible(ImageManifest image) => CallerContext.Current is not { Role: Role.Tenant } caller || image.VisibleTo(caller.Tenant, operatorCaller: false);

    private ImmutableArray<string> SitesHolding(ImageManifest image) => image.Synthetic
        ? [.. _chunksAt.Keys.Order(StringComparer.Ordinal)] // simulated content is everywhere at once
        : [.. _chunksAt.Where(s => image.Chunks.All(c => s.Value.Contains(c.Digest))).Select(s => s.Key).Order(StringComparer.Ordinal)];
}
