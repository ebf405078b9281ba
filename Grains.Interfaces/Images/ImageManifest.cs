using System.Collections.Immutable;

namespace Discovery.Images;

/// <summary>
/// One image of the catalogue, one version: what a VM boots. Its content is stored as fixed-size, content-addressed
/// chunks (<see cref="ImageBlob"/>), shared with every other image and version that holds the same bytes.
/// </summary>
/// <param name="Name">What a VE names (e.g. <c>debian-12</c>): a letter or digit, then letters, digits, '.', '_' or '-'.</param>
/// <param name="Version">1 for the first push of the name, then one more at each push that changes the content.</param>
/// <param name="Tenant">The tenant the image is private to; null: public, every tenant may boot it.</param>
/// <param name="Format">The disk's format: <c>raw</c> or <c>qcow2</c>.</param>
/// <param name="Disk">The disk the VM's copy-on-write overlay sits on.</param>
/// <param name="Boot">How the VM boots: from its disk's boot loader (null) or directly from a kernel.</param>
/// <param name="Pushed">When this version was pushed.</param>
/// <param name="Synthetic">True for a simulated image: its chunks are named, never stored (the simulated datacentre only moves their sizes).</param>
[GenerateSerializer, Immutable, Alias("discovery.image-manifest")]
public sealed record ImageManifest(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] string? Tenant,
    [property: Id(3)] string Format,
    [property: Id(4)] ImageBlob Disk,
    [property: Id(5)] ImageBoot? Boot = null,
    [property: Id(6)] DateTimeOffset Pushed = default,
    [property: Id(7)] bool Synthetic = false)
{
    /// <summary>The image's identity: the digest of its disk, and of its kernel and initrd when it boots directly.</summary>
    [System.Runtime.Serialization.IgnoreDataMember] // derived: never stored (the grain storage's JSON would try to fill it back)
    public string Digest => Boot is null ? Disk.Digest : ImageDigests.Combine(Disk.Digest, Boot.Kernel.Digest, Boot.Initrd?.Digest ?? "", Boot.CommandLine);

    /// <summary>Every blob a node needs to boot it: the disk, then the kernel and initrd of a direct boot.</summary>
    [System.Runtime.Serialization.IgnoreDataMember] // derived: never stored (the grain storage's JSON would try to fill it back)
    public IEnumerable<ImageBlob> Blobs => Boot is null ? [Disk] : Boot.Initrd is null ? [Disk, Boot.Kernel] : [Disk, Boot.Kernel, Boot.Initrd];

    /// <summary>Every distinct chunk of the image, in order of first use.</summary>
    [System.Runtime.Serialization.IgnoreDataMember] // derived: never stored (the grain storage's JSON would try to fill it back)
    public IReadOnlyList<ChunkRef> Chunks => [.. Blobs.SelectMany(b => b.Chunks).DistinctBy(c => c.Digest)];

    /// <summary>Bytes of the image (its distinct chunks).</summary>
    [System.Runtime.Serialization.IgnoreDataMember] // derived: never stored (the grain storage's JSON would try to fill it back)
    public long Size => Chunks.Sum(c => (long)c.Size);

    /// <summary>Whether <paramref name="tenant"/> may see and boot it (an operator, tenant null, sees all).</summary>
    public bool VisibleTo(string? tenant, bool operatorCaller) => operatorCaller || Tenant is null || Tenant == tenant;
}

/// <summary>A file of an image (disk, kernel, initrd): its size, its SHA-256 (hex) and its chunks in order.</summary>
[GenerateSerializer, Immutable, Alias("discovery.image-blob")]
public sealed record ImageBlob(
    [property: Id(0)] long Size,
    [property: Id(1)] string Digest,
    [property: Id(2)] ImmutableArray<ChunkRef> Chunks);

/// <summary>One chunk: its SHA-256 (hex, lower case) and its size (the chunk size, less for a blob's last chunk).</summary>
[GenerateSerializer, Immutable, Alias("discovery.chunk-ref")]
public readonly record struct ChunkRef(
    [property: Id(0)] string Digest,
    [property: Id(1)] int Size);

/// <summary>A direct boot: the kernel, its initrd (optional) and the kernel's command line.</summary>
[GenerateSerializer, Immutable, Alias("discovery.image-boot")]
public sealed record ImageBoot(
    [property: Id(0)] ImageBlob Kernel,
    [property: Id(1)] ImageBlob? Initrd,
    [property: Id(2)] string CommandLine);

/// <summary>Digest helpers shared by the chunker, the stores and the manifest.</summary>
public static class ImageDigests
{
    /// <summary>The SHA-256 of <paramref name="parts"/> joined by newlines, hex lower case.</summary>
    public static string Combine(params string[] parts) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', parts))));

    /// <summary>Whether <paramref name="digest"/> is 64 lower-case hex digits (what a chunk store accepts as a file name).</summary>
    public static bool IsDigest(string? digest) => digest is { Length: 64 } && digest.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
