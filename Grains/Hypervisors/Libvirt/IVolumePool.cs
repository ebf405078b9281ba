namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// The storage a node's image cache works on: one directory pool of its libvirt daemon (bases, kernels, initrds and
/// each VM's overlay are volumes in it). An interface so that the cache's rules are tested without a daemon.
/// Every method is safe to await from a grain.
/// </summary>
public interface IVolumePool
{
    /// <summary>The directory the pool keeps its volumes in, on the daemon's host.</summary>
    string Path { get; }

    /// <summary>Defines, builds and starts the pool when it is missing or stopped (autostarted), and refreshes it.</summary>
    Task EnsureAsync(CancellationToken cancellationToken = default);

    /// <summary>The names of every volume in the pool.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The volume <paramref name="name"/>; null when the pool has none of that name.</summary>
    Task<PoolVolume?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates an empty raw volume of <paramref name="capacity"/> bytes.</summary>
    Task<PoolVolume> CreateAsync(string name, long capacity, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a qcow2 volume whose backing store is <paramref name="backing"/> (of format <paramref name="backingFormat"/>),
    /// of the backing's capacity: a copy-on-write overlay.
    /// </summary>
    Task<PoolVolume> CreateOverlayAsync(string name, PoolVolume backing, string backingFormat, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="length"/> bytes into volume <paramref name="name"/> from offset 0: <paramref name="write"/>
    /// writes them to the stream it is given. When it throws, the transfer is aborted and the exception rethrown; the
    /// volume's content is then undefined (the caller deletes it). The pool is refreshed after a complete upload.
    /// </summary>
    Task UploadAsync(string name, long length, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default);

    /// <summary>Deletes volume <paramref name="name"/>; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>A volume of a pool: its name, its path on the daemon's host and its capacity (virtual size) in bytes.</summary>
public sealed record PoolVolume(string Name, string Path, long Capacity);
