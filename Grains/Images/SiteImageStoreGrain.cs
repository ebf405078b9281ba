using System.Collections.Concurrent;
using System.Collections.Immutable;
using Discovery.Grains;
using Microsoft.Extensions.Logging;

namespace Discovery.Images;

/// <summary>
/// A PoP's chunk store (<see cref="ISiteImageStoreGrain"/>): a thin grain over the <see cref="ChunkStore"/> directory of
/// its PoP on this silo's host. Reentrant: chunk reads and pushes go on while a pull runs; the store is thread-safe and
/// the grain's own state (the pulls under way) is touched on the grain's scheduler only.
/// </summary>
[SiteSiloPlacement, Orleans.Concurrency.Reentrant]
public sealed partial class SiteImageStoreGrain(ChunkStores stores, ImageStoreOptions options, ILogger<SiteImageStoreGrain> logger) : Grain, ISiteImageStoreGrain
{
    private readonly Dictionary<string, Task<ImmutableDictionary<string, long>>> _pulls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pinned = new(StringComparer.Ordinal); // chunks of pulls under way: never evicted

    private string Site => this.GetPrimaryKeyString();

    private ChunkStore Store => stores.For(Site);

    private IImageCatalogGrain Catalogue => GrainFactory.ImageCatalog();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The catalogue learns what survived a restart; a PoP with no store yet has none to open (nor to create, if it is no PoP at all).
        if (stores.Existing(Site) is { } store) Catalogue.ChunksChangedAsync(Site, [.. store.Digests], [], full: true);
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<ImmutableArray<string>> MissingAsync(ImmutableArray<string> digests)
    {
        await EnsureKnownSiteAsync();
        return digests.Where(d => !Store.Has(d)).Distinct(StringComparer.Ordinal).ToImmutableArray();
    }

    public async Task PutChunkAsync(string digest, byte[] bytes)
    {
        await EnsureKnownSiteAsync();
        if (!ImageDigests.IsDigest(digest)) throw new ArgumentException($"chunk '{digest}': not a SHA-256 digest (64 lower-case hex digits)");
        if (bytes.Length is 0 or > ImageChunker.DefaultChunkSize)
            throw new ArgumentException($"chunk {digest[..12]}…: {bytes.Length} bytes; a chunk holds 1 to {ImageChunker.DefaultChunkSize} bytes");
        var had = Store.Has(digest);
        if (!await Store.PutAsync(digest, bytes)) throw new ArgumentException($"chunk {digest[..12]}…: its {bytes.Length} bytes do not hash to its digest; nothing stored");
        if (!had) await Catalogue.ChunksChangedAsync(Site, [digest], []);
    }

    public Task<byte[]?> ReadChunkAsync(string digest) => Store.ReadAsync(digest);

    private bool _known;

    /// <summary>A push names a PoP of the cluster: a store for a name no node has would be a directory anyone could fill.</summary>
    private async Task EnsureKnownSiteAsync()
    {
        if (_known) return;
        var view = await GrainFactory.NodeDirectory().OverlayAsync(-1);
        _known = view?.Nodes.Any(n => n.Site == Site) == true;
        if (!_known) throw new ArgumentException($"site: no PoP named '{Site}' in the cluster (`discovery nodes` shows the PoPs)");
    }

    public Task<ImmutableArray<string>> HeldAsync() => Task.FromResult(stores.Existing(Site)?.Digests.ToImmutableArray() ?? []);

    public Task<ImmutableDictionary<string, long>> EnsureAsync(ImmutableArray<ChunkRef> chunks)
    {
        // Concurrent needs for the same chunks share one pull; a pull that ended (done or failed) is forgotten, so the
        // next need starts again from what is still missing: an interrupted transfer resumes where it stopped.
        var key = ImageDigests.Combine([.. chunks.Select(c => c.Digest)]);
        if (_pulls.TryGetValue(key, out var running) && !running.IsCompleted) return running;
        foreach (var c in chunks) _pinned[c.Digest] = _pinned.GetValueOrDefault(c.Digest) + 1;
        var pull = PullAsync(chunks);
        _pulls[key] = pull;
        _ = pull.ContinueWith(_ =>
        {
            if (_pulls.GetValueOrDefault(key) == pull) _pulls.Remove(key);
            foreach (var c in chunks)
                if (--_pinned[c.Digest] == 0) _pinned.Remove(c.Digest);
        }, TaskScheduler.Current);
        return pull;
    }

    /// <summary>Pulls what is missing, split by link bandwidth between the PoPs that hold it; plans again without a PoP that fails.</summary>
    private async Task<ImmutableDictionary<string, long>> PullAsync(ImmutableArray<ChunkRef> chunks)
    {
        var pulled = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var missing = chunks.Where(c => !Store.Has(c.Digest)).DistinctBy(c => c.Digest).ToList();
            if (missing.Count == 0) break;
            var holders = await Catalogue.HoldersAsync([.. missing.Select(c => c.Digest)]);
            var sources = holders.SelectMany(h => h.Value.Select(site => (site, digest: h.Key)))
                .Where(x => x.site != Site && !failed.Contains(x.site))
                .GroupBy(x => x.site, StringComparer.Ordinal)
                .Select(g => new TransferSource(g.Key, options.Bandwidths.BytesPerSecond(Site, g.Key), g.Select(x => x.digest).ToHashSet(StringComparer.Ordinal)))
                .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
            var plan = TransferPlanner.Plan(missing, sources);
            if (plan.Unavailable.Count == missing.Count)
                throw new InvalidOperationException($"{plan.Unavailable.Count} chunk(s) of the image are held by no reachable PoP" +
                    (failed.Count > 0 ? $" (unreachable: {string.Join(", ", failed.Order(StringComparer.Ordinal))})" : ""));
            LogPull(logger, Site, missing.Count - plan.Unavailable.Count, plan.BySource.Count, plan.Estimated.TotalSeconds);
            await Task.WhenAll(plan.BySource.Select(async source =>
            {
                try
                {
                    await PullFromAsync(source.Key, source.Value, pulled);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSourceFailed(logger, Site, source.Key, e.Message);
                    lock (failed) failed.Add(source.Key);
                }
            }));
            if (plan.Unavailable.Count > 0 && plan.BySource.Count == 0) break;
        }
        // Spared: what this PoP's nodes' images need and what this PoP alone holds (the catalogue's answer), and every pull's chunks.
        var evicted = Store.Evict((await Catalogue.NeededAtAsync(Site)).Concat(_pinned.Keys).ToHashSet(StringComparer.Ordinal));
        if (evicted.Count > 0) await Catalogue.ChunksChangedAsync(Site, [], [.. evicted]);
        return pulled.ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>Pulls <paramref name="chunks"/> from <paramref name="source"/>'s store, a few at a time, each verified, counting each chunk's bytes in <paramref name="pulled"/> as it lands.</summary>
    private async Task PullFromAsync(string source, IReadOnlyList<ChunkRef> chunks, ConcurrentDictionary<string, long> pulled)
    {
        var store = GrainFactory.GetGrain<ISiteImageStoreGrain>(source);
        var added = new List<string>();
        try
        {
            await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.PullsPerSource), TaskScheduler = TaskScheduler.Current },
                async (chunk, cancellationToken) =>
                {
                    var data = await store.ReadChunkAsync(chunk.Digest) ?? throw new InvalidOperationException($"PoP {source} no longer holds chunk {chunk.Digest[..12]}…");
                    if (!await Store.PutAsync(chunk.Digest, data, cancellationToken))
                        throw new InvalidOperationException($"PoP {source} sent bytes that do not match chunk {chunk.Digest[..12]}…"); // refused: planned again without it
                    pulled.AddOrUpdate(source, data.Length, (_, before) => before + data.Length); // a source may serve again after a re-plan
                    lock (added) added.Add(chunk.Digest);
                });
        }
        finally { await Catalogue.ChunksChangedAsync(Site, [.. added], []); } // what arrived before a failure stays, and is known
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PoP {Site}: pulling {Chunks} chunk(s) from {Sources} PoP(s), about {Seconds:0.#} s at the links' rates")]
    private static partial void LogPull(ILogger logger, string site, int chunks, int sources, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PoP {Site}: pulling from PoP {Source} failed ({Message}); planning again without it")]
    private static partial void LogSourceFailed(ILogger logger, string site, string source, string message);
}

/// <summary>This silo's PoP chunk stores, one directory per PoP under <see cref="ImageStoreOptions.StorePath"/>, opened on first use.</summary>
public sealed class ChunkStores(ImageStoreOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<ChunkStore>> _stores = new(StringComparer.Ordinal);

    /// <summary>The store of <paramref name="site"/> when its directory exists; null, creating nothing, when it does not.</summary>
    public ChunkStore? Existing(string site) =>
        _stores.ContainsKey(site) || (Validation.ImageCatalog.IsValidName(site) && Directory.Exists(Path.Combine(options.StorePath, site))) ? For(site) : null;

    /// <summary>The store of <paramref name="site"/>, its directory created when missing.</summary>
    public ChunkStore For(string site)
    {
        if (!Validation.ImageCatalog.IsValidName(site)) throw new ArgumentException($"'{site}' cannot name a store directory");
        return _stores.GetOrAdd(site, s => new Lazy<ChunkStore>(() => new ChunkStore(Path.Combine(options.StorePath, s), options.StoreLimitBytes))).Value;
    }
}
