namespace Discovery.Images;

/// <summary>
/// Where a node's hypervisor gets the images its VMs boot: the catalogue's manifest for a name, and each blob's bytes
/// (verified chunk by chunk on the way). Implemented over the catalogue and the PoP's chunk store; a node caches what
/// it got and never asks twice for a base it holds.
/// </summary>
public interface IImageSource
{
    /// <summary>The image <paramref name="name"/> (its latest version); null when the catalogue has none of that name.</summary>
    Task<ImageManifest?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The version of <paramref name="name"/> whose digest is <paramref name="digest"/> (a VM running an older version
    /// migrates onto the same base); the latest when <paramref name="digest"/> is null; null when there is no such version.
    /// </summary>
    async Task<ImageManifest?> FindAsync(string name, string? digest, CancellationToken cancellationToken = default) =>
        await FindAsync(name, cancellationToken) is { } latest && (digest is null || latest.Digest == digest) ? latest : null;

    /// <summary>Writes <paramref name="blob"/>'s bytes to <paramref name="destination"/>, in order, each chunk verified against its digest.</summary>
    Task CopyToAsync(ImageBlob blob, Stream destination, CancellationToken cancellationToken = default);
}
