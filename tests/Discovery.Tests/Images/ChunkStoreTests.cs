using Discovery.Images;

namespace Discovery.Tests.Images;

/// <summary>Chunking, deduplication and digests on real files.</summary>
public sealed class ChunkStoreTests : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"discovery-chunks-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static byte[] Content(int bytes, int seed)
    {
        var content = new byte[bytes];
        new Random(seed).NextBytes(content);
        return content;
    }

    private static async Task<(ImageBlob Blob, int Written)> PushAsync(ChunkStore store, byte[] content)
    {
        var written = 0;
        var blob = await ImageChunker.ChunkAsync(new MemoryStream(content), async (chunk, bytes, ct) =>
        {
            if (!store.Has(chunk.Digest)) written++;
            Assert.True(await store.PutAsync(chunk.Digest, bytes, ct));
        }, ChunkSize);
        return (blob, written);
    }

    [Fact]
    public async Task A_file_is_cut_in_fixed_size_chunks_named_by_their_sha256()
    {
        var content = Content(ChunkSize * 2 + 100, 1);
        var (blob, _) = await PushAsync(new ChunkStore(_root), content);

        Assert.Equal(content.Length, blob.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), blob.Digest);
        Assert.Equal([ChunkSize, ChunkSize, 100], blob.Chunks.Select(c => c.Size));
        Assert.Equal(ImageChunker.Digest(content.AsSpan(ChunkSize, ChunkSize)), blob.Chunks[1].Digest);
        Assert.True(File.Exists(Path.Combine(_root, blob.Chunks[1].Digest[..2], blob.Chunks[1].Digest)));
    }

    [Fact]
    public async Task The_same_image_twice_stores_nothing_new()
    {
        var store = new ChunkStore(_root);
        var content = Content(ChunkSize * 4, 2);
        var first = await PushAsync(store, content);
        var bytes = store.Bytes;

        var second = await PushAsync(store, content);

        Assert.Equal(4, first.Written);
        Assert.Equal(0, second.Written);
        Assert.Equal(bytes, store.Bytes);
        Assert.Equal(first.Blob, second.Blob with { Chunks = first.Blob.Chunks }); // same digest and size
    }

    [Fact]
    public async Task A_new_version_stores_only_its_changed_chunks()
    {
        var store = new ChunkStore(_root);
        var v1 = Content(ChunkSize * 8, 3);
        await PushAsync(store, v1);
        var v2 = (byte[])v1.Clone();
        v2[ChunkSize * 2 + 5] ^= 0xff;   // chunk 2 changes
        v2[ChunkSize * 7] ^= 0xff;       // and chunk 7

        var (_, written) = await PushAsync(store, v2);

        Assert.Equal(2, written);
        Assert.Equal(10, store.Count);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_their_digest_are_refused_and_nothing_is_stored()
    {
        var store = new ChunkStore(_root);
        var good = Content(1000, 4);

        Assert.False(await store.PutAsync(ImageChunker.Digest(good), Content(1000, 5)));
        Assert.Equal(0, store.Count);
        Assert.Equal(1, store.Refused);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_chunk_corrupted_on_disk_is_refused_when_read_and_forgotten_so_it_is_fetched_again()
    {
        var store = new ChunkStore(_root);
        var bytes = Content(1000, 6);
        var digest = ImageChunker.Digest(bytes);
        await store.PutAsync(digest, bytes);
        var file = Path.Combine(_root, digest[..2], digest);
        var damaged = File.ReadAllBytes(file);
        damaged[10] ^= 1;
        File.WriteAllBytes(file, damaged);

        Assert.Null(await store.ReadAsync(digest));
        Assert.False(store.Has(digest));
        Assert.False(File.Exists(file));
        Assert.Equal(1, store.Refused);
        Assert.True(await store.PutAsync(digest, bytes)); // fetched again
        Assert.Equal(bytes, await store.ReadAsync(digest));
    }

    [Fact]
    public async Task Eviction_frees_the_least_recently_used_chunks_but_never_one_an_image_here_needs()
    {
        var store = new ChunkStore(_root, limitBytes: 2500);
        var chunks = Enumerable.Range(0, 4).Select(i => Content(1000, 10 + i)).ToArray();
        var digests = chunks.Select(c => ImageChunker.Digest(c)).ToArray();
        foreach (var (c, d) in chunks.Zip(digests)) await store.PutAsync(d, c);
        await store.ReadAsync(digests[1]); // used again: now the most recent

        // 4,000 bytes for a 2,500 limit: two chunks must go. Chunk 0 is the oldest but a running VM's base needs it.
        var evicted = store.Evict(new HashSet<string> { digests[0] });

        Assert.Equal([digests[2], digests[3]], evicted);
        Assert.True(store.Has(digests[0]));
        Assert.True(store.Has(digests[1]));
        Assert.Equal(2000, store.Bytes);
    }

    [Fact]
    public async Task Needed_chunks_stay_even_when_the_store_remains_over_its_limit()
    {
        var store = new ChunkStore(_root, limitBytes: 500);
        var bytes = Content(1000, 20);
        await store.PutAsync(ImageChunker.Digest(bytes), bytes);

        Assert.Empty(store.Evict(new HashSet<string> { ImageChunker.Digest(bytes) }));
        Assert.Equal(1000, store.Bytes);
    }

    [Fact]
    public async Task A_reopened_store_knows_its_chunks_and_drops_writes_cut_short()
    {
        var store = new ChunkStore(_root);
        var bytes = Content(1000, 21);
        await store.PutAsync(ImageChunker.Digest(bytes), bytes);
        File.WriteAllBytes(Path.Combine(_root, "ab.0.part"), [1, 2, 3]);

        var reopened = new ChunkStore(_root);

        Assert.True(reopened.Has(ImageChunker.Digest(bytes)));
        Assert.Equal(1, reopened.Count);
        Assert.False(File.Exists(Path.Combine(_root, "ab.0.part")));
    }
}
