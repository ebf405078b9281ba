using System.Collections.Concurrent;
using Discovery.Hypervisors.Libvirt;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary>
/// A pool in memory: volumes by name with their bytes, each creation numbered (so a test sees whether an overlay is a
/// fresh one). Uploads can be held at a gate, to make needs for one blob overlap.
/// </summary>
internal sealed class FakeVolumePool : IVolumePool
{
    private readonly ConcurrentDictionary<string, Volume> _volumes = new(StringComparer.Ordinal);
    private int _creations;

    public sealed record Volume(PoolVolume Info, int Creation, byte[] Content, string? Backing = null, string? BackingFormat = null);

    public string Path => "/pool";

    /// <summary>When set, every upload waits for it after its bytes are written, before it completes.</summary>
    public TaskCompletionSource? UploadGate { get; set; }

    /// <summary>Uploads started (whatever their end).</summary>
    public int UploadsStarted;

    public int Ensured;

    public IReadOnlyDictionary<string, Volume> Volumes => _volumes;

    /// <summary>Puts a volume there as if an earlier life of the node had left it.</summary>
    public void Leave(string name, byte[] content) =>
        _volumes[name] = new Volume(new PoolVolume(name, $"{Path}/{name}", content.Length), Interlocked.Increment(ref _creations), content);

    public Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Ensured);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. _volumes.Keys.Order(StringComparer.Ordinal)]);

    public Task<PoolVolume?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_volumes.TryGetValue(name, out var v) ? v.Info : null);

    public Task<PoolVolume> CreateAsync(string name, long capacity, CancellationToken cancellationToken = default) =>
        Task.FromResult(Add(name, capacity, new byte[capacity]));

    public Task<PoolVolume> CreateOverlayAsync(string name, PoolVolume backing, string backingFormat, CancellationToken cancellationToken = default) =>
        Task.FromResult(Add(name, backing.Capacity, [], backing.Path, backingFormat));

    private PoolVolume Add(string name, long capacity, byte[] content, string? backing = null, string? backingFormat = null)
    {
        var info = new PoolVolume(name, $"{Path}/{name}", capacity);
        if (!_volumes.TryAdd(name, new Volume(info, Interlocked.Increment(ref _creations), content, backing, backingFormat)))
            throw new InvalidOperationException($"volume {name} exists"); // libvirt refuses too
        return info;
    }

    public async Task UploadAsync(string name, long length, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref UploadsStarted);
        if (!_volumes.ContainsKey(name)) throw new InvalidOperationException($"no volume {name}");
        using var bytes = new MemoryStream();
        await write(bytes, cancellationToken);
        if (UploadGate is { } gate) await gate.Task;
        _volumes[name] = _volumes[name] with { Content = bytes.ToArray() };
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_volumes.TryRemove(name, out _));
}
