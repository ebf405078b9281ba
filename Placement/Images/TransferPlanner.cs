namespace Discovery.Images;

/// <summary>A place chunks can come from: a PoP's store or a peer node, the rate it sends at to the puller, what it holds.</summary>
public sealed record TransferSource(string Name, double BytesPerSecond, IReadOnlySet<string> Holds);

/// <summary>Which chunks to pull from which source; the chunks no source holds; and when the pull ends if every link runs at its rate.</summary>
public sealed record TransferPlan(IReadOnlyDictionary<string, IReadOnlyList<ChunkRef>> BySource, IReadOnlyList<ChunkRef> Unavailable, TimeSpan Estimated)
{
    /// <summary>Bytes pulled from <paramref name="source"/>.</summary>
    public long BytesFrom(string source) => BySource.TryGetValue(source, out var chunks) ? chunks.Sum(c => (long)c.Size) : 0;
}

/// <summary>
/// Nitro's network-aware transfer plan: the missing chunks of an image are split between every source that holds them,
/// so that all sources finish together as nearly as possible. Rarest chunks first (only one source can send them),
/// then the largest; each goes to the holder that would finish it first given what it already sends (list scheduling
/// on machines of different speeds). The puller's own link caps the whole.
/// </summary>
public static class TransferPlanner
{
    /// <summary>
    /// The plan for <paramref name="missing"/> from <paramref name="sources"/>; <paramref name="sinkBytesPerSecond"/>: the
    /// puller's link (the estimate is never shorter than all the bytes over it).
    /// </summary>
    public static TransferPlan Plan(IEnumerable<ChunkRef> missing, IReadOnlyList<TransferSource> sources, double sinkBytesPerSecond = double.PositiveInfinity)
    {
        var usable = sources.Where(s => s.BytesPerSecond > 0).ToList();
        var load = new double[usable.Count];
        var assigned = usable.Select(_ => new List<ChunkRef>()).ToArray();
        var unavailable = new List<ChunkRef>();
        var chunks = missing.DistinctBy(c => c.Digest)
            .Select(c => (Chunk: c, Holders: usable.Select((s, i) => (s, i)).Where(x => x.s.Holds.Contains(c.Digest)).Select(x => x.i).ToArray()))
            .OrderBy(c => c.Holders.Length).ThenByDescending(c => c.Chunk.Size).ThenBy(c => c.Chunk.Digest, StringComparer.Ordinal);
        long total = 0;
        foreach (var (chunk, holders) in chunks)
        {
            if (holders.Length == 0) { unavailable.Add(chunk); continue; }
            var best = holders.MinBy(i => (load[i] + chunk.Size) / usable[i].BytesPerSecond);
            load[best] += chunk.Size;
            assigned[best].Add(chunk);
            total += chunk.Size;
        }
        var seconds = Math.Max(usable.Select((s, i) => load[i] / s.BytesPerSecond).DefaultIfEmpty(0).Max(), total / sinkBytesPerSecond);
        var bySource = usable.Select((s, i) => (s.Name, Chunks: (IReadOnlyList<ChunkRef>)assigned[i]))
            .Where(x => x.Chunks.Count > 0).ToDictionary(x => x.Name, x => x.Chunks, StringComparer.Ordinal);
        return new(bySource, unavailable, TimeSpan.FromSeconds(seconds));
    }
}
