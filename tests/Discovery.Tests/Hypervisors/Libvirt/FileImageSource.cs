using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Discovery.Images;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary>
/// A test's image catalogue over files: each image is a disk file (and the kernel and initrd of a direct boot), its
/// manifest computed from them (chunks of 4 MiB, SHA-256), its bytes copied chunk by chunk, each chunk verified. Counts
/// what it copied, per blob digest. What the integrator's source over the catalogue and chunk stores stands for.
/// </summary>
internal sealed class FileImageSource : IImageSource
{
    public const int ChunkSize = 4 << 20;

    private readonly Dictionary<string, ImageManifest> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal); // digest -> bytes
    private readonly ConcurrentDictionary<string, int> _copies = new(StringComparer.Ordinal);

    /// <summary>Adds image <paramref name="name"/> from files; returns its manifest.</summary>
    public ImageManifest Add(string name, string diskPath, string format = "raw", string? kernelPath = null, string? initrdPath = null, string commandLine = "")
    {
        var disk = Blob(File.ReadAllBytes(diskPath));
        var boot = kernelPath is null ? null
            : new ImageBoot(Blob(File.ReadAllBytes(kernelPath)), initrdPath is null ? null : Blob(File.ReadAllBytes(initrdPath)), commandLine);
        var manifest = new ImageManifest(name, 1, null, format, disk, boot);
        _images[name] = manifest;
        return manifest;
    }

    /// <summary>Adds image <paramref name="name"/> from bytes (unit tests).</summary>
    public ImageManifest Add(string name, byte[] disk, byte[]? kernel = null, string format = "raw")
    {
        var manifest = new ImageManifest(name, 1, null, format, Blob(disk), kernel is null ? null : new ImageBoot(Blob(kernel), null, "quiet"));
        _images[name] = manifest;
        return manifest;
    }

    /// <summary>Makes every later copy of the blob <paramref name="digest"/> give these bytes instead (a source gone wrong).</summary>
    public void Corrupt(string digest, byte[] bytes) => _blobs[digest] = bytes;

    /// <summary>How many times the blob <paramref name="digest"/> was copied out.</summary>
    public int Copies(string digest) => _copies.GetValueOrDefault(digest);

    public Task<ImageManifest?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_images.GetValueOrDefault(name));

    public async Task CopyToAsync(ImageBlob blob, Stream destination, CancellationToken cancellationToken = default)
    {
        _copies.AddOrUpdate(blob.Digest, 1, (_, n) => n + 1);
        var bytes = _blobs[blob.Digest];
        var offset = 0;
        foreach (var chunk in blob.Chunks)
        {
            var piece = bytes.AsMemory(offset, Math.Min(chunk.Size, bytes.Length - offset));
            // A corrupted source is caught by the cache's whole-blob check, not here: a real source verifies its chunks.
            await destination.WriteAsync(piece, cancellationToken);
            offset += piece.Length;
        }
        if (offset < bytes.Length) await destination.WriteAsync(bytes.AsMemory(offset), cancellationToken);
    }

    private ImageBlob Blob(byte[] bytes)
    {
        var chunks = ImmutableArray.CreateBuilder<ChunkRef>();
        for (var offset = 0; offset < bytes.Length; offset += ChunkSize)
        {
            var piece = bytes.AsSpan(offset, Math.Min(ChunkSize, bytes.Length - offset));
            chunks.Add(new ChunkRef(Convert.ToHexStringLower(SHA256.HashData(piece)), piece.Length));
        }
        var blob = new ImageBlob(bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), chunks.ToImmutable());
        _blobs[blob.Digest] = bytes;
        return blob;
    }
}
