using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Discovery.Images;
using Discovery.Model;
using Discovery.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// A PM's hypervisor reached through libvirt (<c>qemu:///system</c>, <c>qemu+ssh://host/system</c>,
/// or the test driver <c>test:///default</c> / <c>test:///path/node.xml</c>). Every call runs on the
/// connection's own thread; the returned tasks complete off it.
/// </summary>
public sealed class LibvirtHypervisor : IHypervisor, IAsyncDisposable
{
    private readonly LibvirtConnection _connection;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (ulong CpuNs, long Timestamp)> _lastCpu = new(StringComparer.Ordinal);
    private GCHandle _self;
    private int _lifecycleCallback = -1;

    private readonly ImageCatalog _images;

    private LibvirtHypervisor(LibvirtConnection connection, string domainType, ILogger logger, TimeProvider time, ImageCatalog images,
        IImageSource? imageSource, string? imagePoolPath)
    {
        _images = images;
        if (imageSource is not null)
            ImageCache = new LibvirtImageCache(connection.Node,
                new LibvirtVolumePool(connection, LibvirtImageCache.DefaultPoolName, imagePoolPath ?? LibvirtImageCache.DefaultPoolPath),
                imageSource, DomainExistsAsync, logger);
        _connection = connection;
        DomainType = domainType;
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc />
    public string Node => _connection.Node;

    /// <summary>The connection URI.</summary>
    public string Uri => _connection.Uri;

    /// <summary>
    /// The URI a source daemon connects to, peer to peer, to migrate a VM here: the connection URI unless the
    /// node publishes another (a silo may reach its daemon through a local socket that other hosts cannot).
    /// </summary>
    public string? MigrationUri => _migrationUri ?? Uri;

    private string? _migrationUri;

    /// <summary>The <c>virDomainMigrateFlags</c> this node migrates with: live, peer to peer, persistent there, undefined here; over TLS when configured.</summary>
    public uint MigrationFlags { get; private init; }

    /// <summary>The flags of a migration, with <c>VIR_MIGRATE_TLS</c> (1 &lt;&lt; 16) when <paramref name="tls"/>.</summary>
    public static uint FlagsFor(bool tls) =>
        LibvirtNative.MigrateLive | LibvirtNative.MigratePeer2Peer | LibvirtNative.MigratePersistDest | LibvirtNative.MigrateUndefineSource
        | (tls ? LibvirtNative.MigrateTls : 0);

    /// <summary>The domain type written into definitions (<c>test</c> or <c>kvm</c>).</summary>
    public string DomainType { get; }

    /// <inheritdoc />
    public event Action<VmLifecycleEvent>? LifecycleChanged;

    /// <summary>The node's cache of images (bases, kernels, initrds, VMs' overlays); null without an image source (VMs get no disk but the allow-list's).</summary>
    public LibvirtImageCache? ImageCache { get; }

    /// <summary>Opens a connection to <paramref name="uri"/> for node <paramref name="node"/> and subscribes to lifecycle events.</summary>
    /// <param name="migrationUri">What other nodes' daemons connect to for a migration here; null: <paramref name="uri"/>.</param>
    /// <param name="migrateTls">Migrate from this node over TLS (<c>VIR_MIGRATE_TLS</c>).</param>
    /// <param name="images">The images VMs may boot and their files when there is no <paramref name="imageSource"/>; null: <see cref="ImageCatalog.Open"/> (plain names, no disk).</param>
    /// <param name="imageSource">The catalogue VMs' images come from: each VM then boots its own overlay over the base this node caches
    /// (in the daemon's storage pool <see cref="LibvirtImageCache.DefaultPoolName"/>); null: <paramref name="images"/> decides.</param>
    /// <param name="imagePoolPath">The pool's directory on the daemon's host; null: <see cref="LibvirtImageCache.DefaultPoolPath"/>.</param>
    public static async Task<LibvirtHypervisor> OpenAsync(string node, string uri, ILogger? logger = null, TimeProvider? time = null, string? domainType = null,
        string? migrationUri = null, bool migrateTls = false, ImageCatalog? images = null, IImageSource? imageSource = null, string? imagePoolPath = null)
    {
        var connection = await LibvirtConnection.OpenAsync(node, uri);
        var hypervisor = new LibvirtHypervisor(connection, domainType ?? (uri.StartsWith("test:", StringComparison.Ordinal) ? "test" : "kvm"),
            logger ?? NullLogger.Instance, time ?? TimeProvider.System, images ?? ImageCatalog.Open, imageSource, imagePoolPath)
            { _migrationUri = migrationUri, MigrationFlags = FlagsFor(migrateTls) };
        try
        {
            await hypervisor.SubscribeAsync();
            return hypervisor;
        }
        catch
        {
            await hypervisor.DisposeAsync();
            throw;
        }
    }

    private Task SubscribeAsync()
    {
        _self = GCHandle.Alloc(this);
        var opaque = GCHandle.ToIntPtr(_self);
        return _connection.RunAsync("subscribe to lifecycle events", conn =>
        {
            int id;
            unsafe { id = LibvirtNative.virConnectDomainEventRegisterAny(conn, IntPtr.Zero, LibvirtNative.EventIdLifecycle, &OnLifecycle, opaque, IntPtr.Zero); }
            if (id < 0) throw _connection.LastError("virConnectDomainEventRegisterAny");
            _lifecycleCallback = id;
            return id;
        });
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnLifecycle(IntPtr conn, IntPtr domain, int kind, int detail, IntPtr opaque)
    {
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is not LibvirtHypervisor self) return 0;
            var name = Marshal.PtrToStringUTF8(LibvirtNative.virDomainGetName(domain)) ?? "?";
            var evt = new VmLifecycleEvent(self.Node, name, MapEvent(kind), detail, self._time.GetUtcNow());
            // Handlers run on the thread pool, never on libvirt's event loop thread.
            ThreadPool.QueueUserWorkItem(static s => s.self.RaiseLifecycle(s.evt), (self, evt), preferLocal: false);
        }
        catch
        {
            // An exception must never unwind into libvirt.
        }
        return 0;
    }

    private void RaiseLifecycle(VmLifecycleEvent evt)
    {
        try { LifecycleChanged?.Invoke(evt); }
        catch (Exception e) { _logger.LogError(e, "Lifecycle handler failed for {Node} {Vm} {Kind}", evt.Node, evt.VmId, evt.Kind); }
    }

    private static VmLifecycleKind MapEvent(int kind) => kind switch
    {
        0 => VmLifecycleKind.Defined,
        1 => VmLifecycleKind.Undefined,
        2 => VmLifecycleKind.Started,
        3 => VmLifecycleKind.Suspended,
        4 => VmLifecycleKind.Resumed,
        5 => VmLifecycleKind.Stopped,
        6 => VmLifecycleKind.Shutdown,
        8 => VmLifecycleKind.Crashed,
        _ => VmLifecycleKind.Other,
    };

    internal static VmState MapState(int state) => state switch
    {
        LibvirtNative.StateRunning or LibvirtNative.StateBlocked => VmState.Running,
        LibvirtNative.StatePaused => VmState.Suspended,
        LibvirtNative.StateShutdown => VmState.ShuttingDown,
        LibvirtNative.StateShutoff => VmState.Stopped,
        LibvirtNative.StateCrashed => VmState.Crashed,
        LibvirtNative.StatePmSuspended => VmState.PowerSuspended,
        _ => VmState.Unknown,
    };

    /// <inheritdoc />
    public Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken = default) =>
        _connection.RunAsync("node info", ReadHostInfo);

    private unsafe HostInfo ReadHostInfo(IntPtr conn)
    {
        LibvirtNative.VirNodeInfo info;
        if (LibvirtNative.virNodeGetInfo(conn, &info) != 0) throw _connection.LastError("virNodeGetInfo");
        var model = Marshal.PtrToStringUTF8((IntPtr)info.Model) ?? "";
        return new HostInfo(Node, Resources.OfCores((int)info.Cpus, (int)((ulong)info.MemoryKiB / 1024)), model);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<VmStatus>> ListVmsAsync(CancellationToken cancellationToken = default) =>
        _connection.RunAsync<IReadOnlyList<VmStatus>>("list domains", ListDomains);

    private unsafe IReadOnlyList<VmStatus> ListDomains(IntPtr conn)
    {
        IntPtr array;
        var count = LibvirtNative.virConnectListAllDomains(conn, &array, LibvirtNative.ListAllDomains);
        if (count < 0) throw _connection.LastError("virConnectListAllDomains");
        var result = new List<VmStatus>(count);
        var now = _time.GetTimestamp();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var domain = ((IntPtr*)array)[i];
                try { result.Add(ReadStatus(domain, now)); }
                finally { LibvirtNative.virDomainFree(domain); }
            }
        }
        finally
        {
            LibvirtNative.Free(array);
        }
        // Forget CPU counters of domains that are gone.
        foreach (var gone in _lastCpu.Keys.Except(result.Select(r => r.Id)).ToList()) _lastCpu.Remove(gone);
        foreach (var gone in _domainImages.Keys.Except(result.Select(r => r.Id)).ToList()) _domainImages.Remove(gone);
        return result;
    }

    private unsafe VmStatus ReadStatus(IntPtr domain, long now)
    {
        var name = Marshal.PtrToStringUTF8(LibvirtNative.virDomainGetName(domain)) ?? "?";
        LibvirtNative.VirDomainInfo info;
        if (LibvirtNative.virDomainGetInfo(domain, &info) != 0) throw _connection.LastError($"virDomainGetInfo({name})");
        var state = MapState(info.State);
        var usage = 0;
        // CPU usage = CPU time consumed since the previous reading over the wall time elapsed.
        if (_lastCpu.TryGetValue(name, out var previous) && info.CpuTimeNs >= previous.CpuNs)
        {
            var elapsed = _time.GetElapsedTime(previous.Timestamp, now);
            if (elapsed > TimeSpan.Zero)
                usage = (int)Math.Round((info.CpuTimeNs - previous.CpuNs) / (elapsed.TotalMilliseconds * 1_000_000) * 100);
        }
        _lastCpu[name] = (info.CpuTimeNs, now);
        var vcpus = Math.Max(1, (int)info.NrVirtCpu);
        var memoryMiB = (int)((ulong)(info.MemoryKiB != 0 ? info.MemoryKiB : info.MaxMemKiB) / 1024);
        // The image a domain boots never changes: read from its XML once, so placement knows what this node holds.
        if (!_domainImages.TryGetValue(name, out var image))
            _domainImages[name] = image = LibvirtNative.TakeString(LibvirtNative.virDomainGetXMLDesc(domain, 0)) is { } xml ? DomainXml.ImageOf(xml)?.Image : null;
        return new VmStatus(name, state, vcpus, memoryMiB, state == VmState.Running ? Math.Clamp(usage, 0, vcpus * 100) : 0, image);
    }

    private readonly Dictionary<string, string?> _domainImages = new(StringComparer.Ordinal); // domain -> the catalogue image it boots, read once

    /// <inheritdoc />
    /// <remarks>
    /// With an image source, the VM boots its own fresh overlay over this node's cached base (fetched first when missing),
    /// and an image the catalogue does not know is refused. Without one, the image resolves through the allow-list here
    /// too: a spec can reach a node without passing through a VE.
    /// </remarks>
    public Task DefineAsync(VmSpec vm, CancellationToken cancellationToken = default)
    {
        if (ImageCache is { } cache)
            return cache.PrepareAsync(vm.Id, vm.Image, expectedDigest: null,
                (disk, _) => DefineXmlAsync(vm.Id, DomainXml.For(vm, DomainType, disk)), cancellationToken);
        if (_images.Problem(vm.Image) is { } problem)
            return Task.FromException(new HypervisorException(Node, HypervisorErrorKind.InvalidDefinition, $"define '{vm.Id}': image {problem}"));
        return DefineXmlAsync(vm.Id, DomainXml.For(vm, DomainType, _images.Resolve(vm.Image)));
    }

    /// <summary>Defines a domain from raw libvirt XML.</summary>
    public Task DefineXmlAsync(string vmId, string xml) =>
        _connection.RunAsync($"define '{vmId}'", conn =>
        {
            var existing = LibvirtNative.virDomainLookupByName(conn, vmId);
            if (existing != IntPtr.Zero)
            {
                LibvirtNative.virDomainFree(existing);
                throw new HypervisorException(Node, HypervisorErrorKind.AlreadyExists, $"define '{vmId}': a domain with that name already exists");
            }
            LibvirtNative.virResetLastError();
            var domain = LibvirtNative.virDomainDefineXML(conn, xml);
            if (domain == IntPtr.Zero) throw _connection.LastError($"define '{vmId}'");
            LibvirtNative.virDomainFree(domain);
            return true;
        });

    /// <inheritdoc />
    public Task StartAsync(string vmId, CancellationToken cancellationToken = default) => OnDomain("start", vmId, LibvirtNative.virDomainCreate);

    /// <inheritdoc />
    public Task StopAsync(string vmId, CancellationToken cancellationToken = default) => OnDomain("shutdown", vmId, LibvirtNative.virDomainShutdown);

    /// <inheritdoc />
    public Task SuspendAsync(string vmId, CancellationToken cancellationToken = default) => OnDomain("suspend", vmId, LibvirtNative.virDomainSuspend);

    /// <inheritdoc />
    public Task ResumeAsync(string vmId, CancellationToken cancellationToken = default) => OnDomain("resume", vmId, LibvirtNative.virDomainResume);

    /// <inheritdoc />
    public Task DestroyAsync(string vmId, CancellationToken cancellationToken = default) => OnDomain("destroy", vmId, LibvirtNative.virDomainDestroy);

    /// <inheritdoc />
    /// <remarks>The VM's overlay goes with it (its disk state is lost: persistent volumes are not the image layer's).</remarks>
    public async Task UndefineAsync(string vmId, CancellationToken cancellationToken = default)
    {
        await OnDomain("undefine", vmId, LibvirtNative.virDomainUndefine);
        if (ImageCache is { } cache) await cache.DeleteOverlayAsync(vmId, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// With a disk, the destination must hold the VM's base and an empty overlay of the same name before the migration
    /// starts: this brings the base here (once) and creates a fresh overlay over it; the migration then copies only the
    /// overlay's blocks. Refused when the catalogue's version of the image is not <paramref name="imageDigest"/>.
    /// </remarks>
    public async Task PrepareIncomingAsync(VmSpec vm, string? imageDigest, CancellationToken cancellationToken = default)
    {
        if (imageDigest is null) return; // no disk of the catalogue: nothing to bring
        var cache = ImageCache ?? throw new HypervisorException(Node, HypervisorErrorKind.Unsupported,
            $"receive '{vm.Id}': node {Node} has no image source, it cannot hold the base of image '{vm.Image}'");
        await cache.PrepareAsync(vm.Id, vm.Image, imageDigest, cancellationToken: cancellationToken);
    }

    private Task<bool> DomainExistsAsync(string vmId, CancellationToken cancellationToken) =>
        _connection.RunAsync($"look up '{vmId}'", conn =>
        {
            var domain = LibvirtNative.virDomainLookupByName(conn, vmId);
            if (domain != IntPtr.Zero)
            {
                LibvirtNative.virDomainFree(domain);
                return true;
            }
            var e = _connection.LastError($"look up '{vmId}'");
            return e.Code == LibvirtNative.ErrNoDomain ? false : throw e;
        });

    /// <summary>The spec and image digest of a domain defined from the catalogue (<see cref="DomainXml.ImageOf"/>); null for one without.</summary>
    private Task<(VmSpec Spec, string Digest)?> ImageSpecAsync(string vmId) =>
        _connection.RunAsync($"read '{vmId}'", conn => WithDomain(conn, "read", vmId, d =>
        {
            var xml = LibvirtNative.TakeString(LibvirtNative.virDomainGetXMLDesc(d, 0)) ?? throw _connection.LastError($"virDomainGetXMLDesc({vmId})");
            if (DomainXml.ImageOf(xml) is not { } image) return ((VmSpec, string)?)null;
            var root = System.Xml.Linq.XDocument.Parse(xml).Root!;
            var memoryMiB = (int)(long.Parse(root.Element("memory")?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture) / 1024);
            var vcpus = int.Parse(root.Element("vcpu")?.Value ?? "1", System.Globalization.CultureInfo.InvariantCulture);
            return (new VmSpec(vmId, vcpus, memoryMiB, image.Image), image.Digest);
        }));

    private Task OnDomain(string operation, string vmId, Func<IntPtr, int> call) =>
        _connection.RunAsync($"{operation} '{vmId}'", conn => WithDomain(conn, operation, vmId, d =>
        {
            if (call(d) != 0) throw _connection.LastError($"{operation} '{vmId}'");
            return true;
        }));

    private T WithDomain<T>(IntPtr conn, string operation, string vmId, Func<IntPtr, T> use)
    {
        var domain = LibvirtNative.virDomainLookupByName(conn, vmId);
        if (domain == IntPtr.Zero) throw _connection.LastError($"{operation} '{vmId}'");
        try { return use(domain); }
        finally { LibvirtNative.virDomainFree(domain); }
    }

    /// <inheritdoc />
    public async Task<MigrationOutcome> MigrateAsync(string vmId, MigrationTarget destination, CancellationToken cancellationToken = default)
    {
        var uri = destination.Uri ?? (destination.Local as LibvirtHypervisor)?.MigrationUri
            ?? throw new HypervisorException(Node, HypervisorErrorKind.Unsupported, $"migrate '{vmId}': destination {destination.Node} publishes no libvirt migration URI");
        var started = Stopwatch.GetTimestamp();
        var flags = MigrationFlags;
        var withDisk = ImageCache is not null ? await ImageSpecAsync(vmId) : null;
        if (withDisk is { } disk)
        {
            // Prefetch: the destination holds the base and an empty overlay before a byte of the guest moves.
            if (destination.Local is { } local) await local.PrepareIncomingAsync(disk.Spec, disk.Digest, cancellationToken);
            else if (destination.Remote is { } remote) await remote.PrepareAsync(disk.Spec, disk.Digest);
            else throw new HypervisorException(Node, HypervisorErrorKind.Unsupported, $"migrate '{vmId}': destination {destination.Node} cannot be asked to prepare its disk");
            flags |= LibvirtNative.MigrateNonSharedInc; // the base is there: only the overlay's blocks are copied
        }
        try
        {
            // Peer-to-peer: the source daemon connects to the destination itself (production QEMU/KVM).
            await _connection.RunAsync($"migrate '{vmId}' to {uri}", conn => WithDomain(conn, "migrate", vmId, d =>
            {
                if (LibvirtNative.virDomainMigrateToURI3(d, uri, IntPtr.Zero, 0, flags) != 0)
                    throw _connection.LastError($"virDomainMigrateToURI3('{vmId}' -> {uri})");
                return true;
            }));
            if (withDisk is not null) await DropOverlayAfterMigrationAsync(vmId);
            return new MigrationOutcome(vmId, Node, destination.Node, MigrationMode.Live, Stopwatch.GetElapsedTime(started));
        }
        catch (LibvirtException e) when (e.IsUnsupported && destination.Local is LibvirtHypervisor)
        {
            _logger.LogWarning("Driver of {Node} cannot migrate {Vm} to {Destination} ({Reason}); falling back to define-on-destination + undefine-on-source, the guest restarts",
                Node, vmId, destination.Node, e.LibvirtMessage);
        }
        var target = (LibvirtHypervisor)destination.Local!;
        await RedefineOnAsync(vmId, target);
        return new MigrationOutcome(vmId, Node, target.Node, MigrationMode.RedefineFallback, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The source's overlay once its VM runs elsewhere; a failure leaves a file behind, never a VM without its disk.</summary>
    private async Task DropOverlayAfterMigrationAsync(string vmId)
    {
        try { await ImageCache!.DeleteOverlayAsync(vmId); }
        catch (HypervisorException e) { _logger.LogWarning(e, "Node {Node}: {Vm} migrated, its overlay here could not be deleted", Node, vmId); }
    }

    // Nothing is lost on failure: the source copy is only removed once the destination holds the VM.
    private async Task RedefineOnAsync(string vmId, LibvirtHypervisor target)
    {
        var (xml, wasActive) = await _connection.RunAsync($"read '{vmId}' for migration", conn => WithDomain(conn, "migrate", vmId, d =>
        {
            var desc = LibvirtNative.TakeString(LibvirtNative.virDomainGetXMLDesc(d, 0)) ?? throw _connection.LastError($"virDomainGetXMLDesc({vmId})");
            var active = LibvirtNative.virDomainIsActive(d);
            if (active < 0) throw _connection.LastError($"virDomainIsActive({vmId})");
            return (desc, active == 1);
        }));
        await target.DefineXmlAsync(vmId, xml);
        try
        {
            if (wasActive) await target.StartAsync(vmId);
        }
        catch
        {
            await target.UndefineAsync(vmId);
            throw;
        }
        if (wasActive) await DestroyAsync(vmId);
        await UndefineAsync(vmId);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_lifecycleCallback >= 0)
        {
            var id = _lifecycleCallback;
            _lifecycleCallback = -1;
            try { await _connection.RunAsync("unsubscribe", conn => LibvirtNative.virConnectDomainEventDeregisterAny(conn, id)); }
            catch (HypervisorException) { /* closing anyway */ }
        }
        _connection.Dispose();
        if (_self.IsAllocated) _self.Free();
    }
}
