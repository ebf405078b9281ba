using System.Collections.Concurrent;
using System.Security.Cryptography;
using Discovery.Images;
using Discovery.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// A node's cache of the images its VMs boot, kept as volumes of one libvirt storage pool: each base (and the kernel
/// and initrd of a direct boot) once, named by its digest, read-only; and each VM's own qcow2 overlay over its base.
/// <list type="bullet">
/// <item>A blob is fetched from the <see cref="IImageSource"/> at most once: concurrent needs for it share one upload.</item>
/// <item>A blob volume counts as cached only once its marker volume (<c>&lt;name&gt;.complete</c>) exists. libvirt
/// cannot rename a volume, so an upload goes straight to the final name, and the marker is created only after the
/// bytes sent matched the blob's size and SHA-256 and libvirt finished the stream. A failed upload deletes its volume;
/// one cut short by a crash leaves a volume without marker, which the next start deletes (never booted from).</item>
/// <item>An overlay is created fresh for each define (a VM placed again after its node died starts from its image), and
/// never created over, nor deleted under, a domain of its VM's name.</item>
/// </list>
/// </summary>
public sealed class LibvirtImageCache
{
    /// <summary>The pool's name on every node.</summary>
    public const string DefaultPoolName = "discovery";

    /// <summary>Where the pool keeps its volumes on the daemon's host, unless configured otherwise.</summary>
    public const string DefaultPoolPath = "/var/lib/libvirt/images/discovery";

    private const string MarkerSuffix = ".complete";

    private readonly string _node;
    private readonly IVolumePool _pool;
    private readonly IImageSource _source;
    private readonly Func<string, CancellationToken, Task<bool>> _domainExists;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<PoolVolume>>> _fetches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _cached = new(StringComparer.Ordinal); // blob digest -> its volume
    private readonly ConcurrentDictionary<string, byte> _vmsBusy = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private Task? _opening;
    private int _uploads;

    /// <param name="node">The node, named in errors.</param>
    /// <param name="pool">The pool the volumes live in.</param>
    /// <param name="source">Where manifests and blobs come from.</param>
    /// <param name="domainExists">Whether the daemon has a domain of that name (an overlay is never replaced or deleted under one).</param>
    /// <param name="logger">Where uploads and removed leftovers are logged.</param>
    public LibvirtImageCache(string node, IVolumePool pool, IImageSource source, Func<string, CancellationToken, Task<bool>> domainExists, ILogger? logger = null)
    {
        _node = node;
        _pool = pool;
        _source = source;
        _domainExists = domainExists;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The digests of the blobs (bases, kernels, initrds) this node holds complete, sorted.</summary>
    public IReadOnlyList<string> CachedDigests => [.. _cached.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Blobs uploaded into the pool since this cache was made (a blob found complete in the pool is not one).</summary>
    public int Uploads => Volatile.Read(ref _uploads);

    /// <summary>
    /// Opens the pool (defining and starting it when missing), learns the blobs it holds complete and deletes what an
    /// interrupted upload left; done on first need otherwise. Call it at start so <see cref="CachedDigests"/> tells
    /// placement what the node already holds.
    /// </summary>
    public Task LoadAsync(CancellationToken cancellationToken = default) => OpenedAsync().WaitAsync(cancellationToken);

    /// <summary>The volume of an image's disk: <c>base-&lt;digest&gt;.&lt;raw|qcow2&gt;</c>.</summary>
    public static string BaseName(ImageBlob disk, string format) => $"base-{disk.Digest}.{format}";

    /// <summary>The volume of a direct boot's kernel.</summary>
    public static string KernelName(ImageBlob kernel) => $"kernel-{kernel.Digest}";

    /// <summary>The volume of a direct boot's initrd.</summary>
    public static string InitrdName(ImageBlob initrd) => $"initrd-{initrd.Digest}";

    /// <summary>A VM's overlay.</summary>
    public static string OverlayName(string vmId) => $"vm-{vmId}.qcow2";

    /// <summary>The marker that says the blob volume <paramref name="volume"/> is complete.</summary>
    public static string MarkerName(string volume) => volume + MarkerSuffix;

    /// <summary>
    /// Brings image <paramref name="image"/>'s blobs here (once) and creates VM <paramref name="vmId"/>'s fresh overlay over
    /// its base; then runs <paramref name="then"/> (defining the domain), still alone on that VM, and deletes the overlay
    /// again when it throws. <paramref name="expectedDigest"/>: the version the VM runs elsewhere (a migration's
    /// destination must sit on the same base); null: the catalogue's current version.
    /// </summary>
    public async Task<VmDisk> PrepareAsync(string vmId, string image, string? expectedDigest, Func<VmDisk, CancellationToken, Task>? then = null,
        CancellationToken cancellationToken = default)
    {
        if (ImageCatalog.LooksLikePath(image) || !ImageCatalog.IsValidName(image))
            throw Refused(HypervisorErrorKind.InvalidDefinition, vmId, $"image '{image}' is not an image name (a VM names an image of the catalogue, never a file)");
        var manifest = await _source.FindAsync(image, expectedDigest, cancellationToken)
            ?? (expectedDigest is null ? throw Refused(HypervisorErrorKind.InvalidDefinition, vmId, $"image '{image}' is not in the catalogue")
                : await _source.FindAsync(image, cancellationToken) ?? throw Refused(HypervisorErrorKind.InvalidDefinition, vmId, $"image '{image}' is not in the catalogue"));
        if (expectedDigest is not null && manifest.Digest != expectedDigest)
            throw Refused(HypervisorErrorKind.InvalidState, vmId,
                $"image '{image}' is at digest {manifest.Digest} in the catalogue, the VM runs {expectedDigest}: its overlay cannot sit on another base");
        if (manifest.Format is not ("raw" or "qcow2"))
            throw Refused(HypervisorErrorKind.InvalidDefinition, vmId, $"image '{image}' has format '{manifest.Format}', not raw or qcow2");
        if (manifest.Blobs.FirstOrDefault(b => !ImageDigests.IsDigest(b.Digest)) is { } bad)
            throw Refused(HypervisorErrorKind.InvalidDefinition, vmId, $"image '{image}' names a blob by '{bad.Digest}', not a SHA-256");

        var disk = EnsureAsync(manifest.Disk, BaseName(manifest.Disk, manifest.Format), cancellationToken);
        var kernel = manifest.Boot is { } b ? EnsureAsync(b.Kernel, KernelName(b.Kernel), cancellationToken) : null;
        var initrd = manifest.Boot?.Initrd is { } i ? EnsureAsync(i, InitrdName(i), cancellationToken) : null;
        await Task.WhenAll(new[] { disk, kernel, initrd }.OfType<Task<PoolVolume>>());

        if (!_vmsBusy.TryAdd(vmId, 0))
            throw Refused(HypervisorErrorKind.InvalidState, vmId, "another define or removal of this VM is under way here");
        try
        {
            if (await _domainExists(vmId, cancellationToken))
                throw Refused(HypervisorErrorKind.AlreadyExists, vmId, "a domain with that name already exists (its overlay is never replaced)");
            var name = OverlayName(vmId);
            // A leftover of an earlier life of this VM here (a node that died and came back, a failed migration): the VM starts fresh.
            if (await _pool.DeleteAsync(name, cancellationToken)) _logger.LogInformation("Node {Node}: removed {VM}'s old overlay {Overlay}", _node, vmId, name);
            var overlay = await _pool.CreateOverlayAsync(name, await disk, manifest.Format, cancellationToken);
            var result = new VmDisk(image, manifest.Digest, overlay.Path, (await disk).Path, manifest.Format,
                kernel is null ? null : (await kernel).Path, initrd is null ? null : (await initrd).Path, manifest.Boot?.CommandLine);
            if (then is not null)
            {
                try { await then(result, cancellationToken); }
                catch
                {
                    await _pool.DeleteAsync(name, CancellationToken.None);
                    throw;
                }
            }
            return result;
        }
        finally { _vmsBusy.TryRemove(vmId, out _); }
    }

    /// <summary>Deletes VM <paramref name="vmId"/>'s overlay, unless a domain of its name still exists; false when it deleted nothing.</summary>
    public async Task<bool> DeleteOverlayAsync(string vmId, CancellationToken cancellationToken = default)
    {
        if (!_vmsBusy.TryAdd(vmId, 0))
            throw Refused(HypervisorErrorKind.InvalidState, vmId, "another define or removal of this VM is under way here");
        try
        {
            if (await _domainExists(vmId, cancellationToken))
            {
                _logger.LogWarning("Node {Node}: kept {VM}'s overlay: a domain of that name still uses it", _node, vmId);
                return false;
            }
            return await _pool.DeleteAsync(OverlayName(vmId), cancellationToken);
        }
        finally { _vmsBusy.TryRemove(vmId, out _); }
    }

    /// <summary>The blob's volume, complete: fetched once, whoever asks meanwhile waits for the same upload.</summary>
    private async Task<PoolVolume> EnsureAsync(ImageBlob blob, string volume, CancellationToken cancellationToken)
    {
        // The upload runs on the thread pool, never on the scheduler of the grain that first needed it (hashing GiBs there
        // would hold that activation, and the upload outlives any one caller).
        var fetch = _fetches.GetOrAdd(volume, v => new(() => Task.Run(() => FetchAsync(blob, v)), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            // One caller giving up does not cancel the upload the others wait for.
            return await fetch.Value.WaitAsync(cancellationToken);
        }
        catch when (fetch.Value.IsFaulted || fetch.Value.IsCanceled)
        {
            _fetches.TryRemove(new KeyValuePair<string, Lazy<Task<PoolVolume>>>(volume, fetch)); // the next need tries again
            throw;
        }
    }

    private async Task<PoolVolume> FetchAsync(ImageBlob blob, string volume)
    {
        await OpenedAsync();
        var marker = MarkerName(volume);
        if (await _pool.FindAsync(volume) is { } held && await _pool.FindAsync(marker) is not null)
        {
            _cached[blob.Digest] = volume;
            return held;
        }
        _cached.TryRemove(blob.Digest, out _);
        await _pool.DeleteAsync(marker);
        await _pool.DeleteAsync(volume);
        await _pool.CreateAsync(volume, blob.Size);
        try
        {
            await _pool.UploadAsync(volume, blob.Size, async (stream, ct) =>
            {
                await using var verifying = new VerifyingStream(stream);
                await _source.CopyToAsync(blob, verifying, ct);
                if (verifying.Written != blob.Size || verifying.Digest() != blob.Digest)
                    throw new HypervisorException(_node, HypervisorErrorKind.Other,
                        $"upload of {volume}: the source gave {verifying.Written} bytes of digest {verifying.Digest()}, the blob has {blob.Size} of {blob.Digest}");
            });
        }
        catch
        {
            try { await _pool.DeleteAsync(volume); }
            catch (Exception e) { _logger.LogWarning(e, "Node {Node}: could not delete the incomplete {Volume} (the next start does)", _node, volume); }
            throw;
        }
        await _pool.CreateAsync(marker, 0);
        Interlocked.Increment(ref _uploads);
        _cached[blob.Digest] = volume;
        _logger.LogInformation("Node {Node}: cached {Volume} ({Bytes} bytes)", _node, volume, blob.Size);
        return await _pool.FindAsync(volume) ?? throw new HypervisorException(_node, HypervisorErrorKind.Other, $"{volume} vanished right after its upload");
    }

    /// <summary>The pool opened once; again after a failed attempt (the daemon was down).</summary>
    private Task OpenedAsync()
    {
        lock (_gate)
        {
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled) _opening = OpenAsync();
            return _opening;
        }
    }

    /// <summary>Once: the pool exists and runs; complete blobs are known; what an interrupted upload left is deleted.</summary>
    private async Task OpenAsync()
    {
        await _pool.EnsureAsync();
        var names = (await _pool.ListAsync()).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            if (name.EndsWith(MarkerSuffix, StringComparison.Ordinal))
            {
                if (!names.Contains(name[..^MarkerSuffix.Length])) await _pool.DeleteAsync(name);
                continue;
            }
            if (DigestOf(name) is not { } digest) continue; // an overlay, or not ours
            if (names.Contains(MarkerName(name))) _cached[digest] = name;
            else
            {
                _logger.LogWarning("Node {Node}: deleting {Volume}, an upload that never completed", _node, name);
                await _pool.DeleteAsync(name);
            }
        }
    }

    /// <summary>The digest a blob volume is named by; null for any other volume.</summary>
    internal static string? DigestOf(string volume)
    {
        foreach (var prefix in new[] { "base-", "kernel-", "initrd-" })
        {
            if (!volume.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = volume[prefix.Length..];
            var digest = prefix == "base-" && rest.LastIndexOf('.') is var dot and > 0 ? rest[..dot] : rest;
            return ImageDigests.IsDigest(digest) ? digest : null;
        }
        return null;
    }

    private HypervisorException Refused(HypervisorErrorKind kind, string vmId, string why) => new(_node, kind, $"define '{vmId}': {why}");

    /// <summary>Counts and hashes what passes through on the way to the pool.</summary>
    private sealed class VerifyingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Written { get; private set; }

        public string Digest() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            Written += buffer.Length;
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            Written += count;
            inner.Write(buffer, offset, count);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
