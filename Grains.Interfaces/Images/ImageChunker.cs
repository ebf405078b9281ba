using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Discovery.Images;

/// <summary>
/// Cuts a file into fixed-size chunks named by their SHA-256 (Nitro's fixed-size deduplication): two images or two
/// versions that share bytes at the same chunk offsets share those chunks, and a store keeps each chunk once.
/// </summary>
public static class ImageChunker
{
    /// <summary>The chunk size: 4 MiB (a 2 GiB image is 512 chunks; small enough to spread a pull over many sources).</summary>
    public const int DefaultChunkSize = 4 << 20;

    /// <summary>
    /// Reads <paramref name="content"/> to its end in chunks of <paramref name="chunkSize"/> bytes (the last may be
    /// shorter), hands each to <paramref name="sink"/> with its digest, in order, and returns the blob they make.
    /// The sink may keep the chunk's bytes only until it returns (the buffer is reused).
    /// </summary>
    public static async Task<ImageBlob> ChunkAsync(Stream content, Func<ChunkRef, ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink,
        int chunkSize = DefaultChunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 4096);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunks = ImmutableArray.CreateBuilder<ChunkRef>();
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            long size = 0;
            while (true)
            {
                var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0) break;
                var bytes = buffer.AsMemory(0, filled);
                whole.AppendData(bytes.Span);
                var chunk = new ChunkRef(Digest(bytes.Span), filled);
                await sink(chunk, bytes, cancellationToken);
                chunks.Add(chunk);
                size += filled;
                if (filled < chunkSize) break;
            }
            return new ImageBlob(size, Convert.ToHexStringLower(whole.GetHashAndReset()), chunks.ToImmutable());
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/>, hex lower case: a chunk's name.</summary>
    public static string Digest(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
