namespace Discovery.Images;

/// <summary>
/// A PoP's chunk store: a directory of content-addressed chunks (<c>ab/abcd…</c>, named by their SHA-256), each
/// written once, verified when written and when read. A chunk whose bytes no longer match its name (a bad disk, a
/// hand edit) is deleted when read, so the caller fetches it again. Thread-safe; file I/O only, no Orleans.
/// </summary>
public sealed class ChunkStore
{
    private readonly string _root;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Size, long LastUse)> _chunks = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>Opens (or creates) the store at <paramref name="root"/> and indexes the chunks already there.</summary>
    /// <param name="root">The store's directory.</param>
    /// <param name="limitBytes">The size eviction brings the store back under (0: no limit).</param>
    public ChunkStore(string root, long limitBytes = 0)
    {
        _root = Path.GetFullPath(root);
        LimitBytes = limitBytes;
        Directory.CreateDirectory(_root);
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (ImageDigests.IsDigest(name)) _chunks[name] = (new FileInfo(file).Length, 0);
            else if (name.EndsWith(".part", StringComparison.Ordinal)) File.Delete(file); // a write cut short by a crash
        }
    }

    /// <summary>The size eviction keeps the store under (0: none).</summary>
    public long LimitBytes { get; }

    /// <summary>Bytes held.</summary>
    public long Bytes { get { lock (_gate) return _chunks.Values.Sum(c => c.Size); } }

    /// <summary>Chunks held.</summary>
    public int Count { get { lock (_gate) return _chunks.Count; } }

    /// <summary>Chunks refused since the store opened: written or read with bytes that do not match their digest.</summary>
    public int Refused { get; private set; }

    /// <summary>Chunks read since the store opened (each <see cref="ReadAsync"/> that found its chunk): what crossed out of it.</summary>
    public int Reads => _reads;

    private int _reads;

    /// <summary>Whether the store holds <paramref name="digest"/>.</summary>
    public bool Has(string digest) { lock (_gate) return _chunks.ContainsKey(digest); }

    /// <summary>The digests held.</summary>
    public IReadOnlyCollection<string> Digests { get { lock (_gate) return [.. _chunks.Keys]; } }

    /// <summary>
    /// Stores <paramref name="bytes"/> as chunk <paramref name="digest"/>: false, and nothing stored, when they do not
    /// hash to it. Storing a chunk already held writes nothing (deduplication).
    /// </summary>
    public async Task<bool> PutAsync(string digest, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        if (!ImageDigests.IsDigest(digest)) throw new ArgumentException($"'{digest}' is not a SHA-256 digest (64 lower-case hex digits)", nameof(digest));
        if (Has(digest)) { Touch(digest); return true; }
        if (ImageChunker.Digest(bytes.Span) != digest) { lock (_gate) Refused++; return false; }
        var path = PathOf(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var part = $"{path}.{Guid.NewGuid():N}.part"; // never a half-written chunk under its name, even if two writers race
        await File.WriteAllBytesAsync(part, bytes.ToArray(), cancellationToken);
        File.Move(part, path, overwrite: true);
        lock (_gate) _chunks[digest] = (bytes.Length, ++_clock);
        return true;
    }

    /// <summary>The bytes of chunk <paramref name="digest"/>, verified; null when absent or corrupt (a corrupt chunk is deleted).</summary>
    public async Task<byte[]?> ReadAsync(string digest, CancellationToken cancellationToken = default)
    {
        if (!Has(digest)) return null;
        byte[] bytes;
        try { bytes = await File.ReadAllBytesAsync(PathOf(digest), cancellationToken); }
        catch (FileNotFoundException) { Forget(digest); return null; }
        if (ImageChunker.Digest(bytes) != digest)
        {
            lock (_gate) Refused++;
            Delete(digest);
            return null;
        }
        Touch(digest);
        Interlocked.Increment(ref _reads);
        return bytes;
    }

    /// <summary>Removes chunk <paramref name="digest"/> (nothing when absent).</summary>
    public void Delete(string digest)
    {
        File.Delete(PathOf(digest));
        Forget(digest);
    }

    /// <summary>
    /// Evicts the least recently used chunks that <paramref name="needed"/> does not hold until the store is under its
    /// limit, and returns them. A chunk an image at this PoP needs (a running VM's base) is never evicted, even if the
    /// store stays over its limit.
    /// </summary>
    public IReadOnlyList<string> Evict(IReadOnlySet<string> needed)
    {
        if (LimitBytes <= 0) return [];
        List<string> victims;
        lock (_gate)
        {
            var over = _chunks.Values.Sum(c => c.Size) - LimitBytes;
            victims = [];
            foreach (var (digest, chunk) in _chunks.OrderBy(c => c.Value.LastUse).ThenBy(c => c.Key, StringComparer.Ordinal))
            {
                if (over <= 0) break;
                if (needed.Contains(digest)) continue;
                victims.Add(digest);
                over -= chunk.Size;
            }
        }
        foreach (var digest in victims) Delete(digest);
        return victims;
    }

    private string PathOf(string digest) => Path.Combine(_root, digest[..2], digest);

    private void Touch(string digest) { lock (_gate) if (_chunks.TryGetValue(digest, out var c)) _chunks[digest] = c with { LastUse = ++_clock }; }

    private void Forget(string digest) { lock (_gate) _chunks.Remove(digest); }
}
