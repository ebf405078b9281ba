using System.Buffers;
using System.Runtime.InteropServices;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// A <c>dir</c> storage pool of a libvirt daemon, through libvirt's storage API: it works the same when the silo reaches
/// its daemon remotely (<c>qemu+ssh://</c>) or when the daemon sees another file system than the silo (its own mount
/// namespace). Every call runs on the connection's thread; an upload sends one piece per call, so other calls on the
/// connection go on between its pieces.
/// </summary>
internal sealed class LibvirtVolumePool(LibvirtConnection connection, string name, string path) : IVolumePool
{
    /// <summary>The pool's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public string Path { get; } = path;

    /// <inheritdoc />
    public Task EnsureAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync($"ensure pool '{Name}'", conn =>
        {
            var pool = LibvirtNative.virStoragePoolLookupByName(conn, Name);
            if (pool == IntPtr.Zero)
            {
                var missing = connection.LastError($"virStoragePoolLookupByName({Name})");
                if (missing.Code != LibvirtNative.ErrNoStoragePool) throw missing;
                LibvirtNative.virResetLastError();
                pool = LibvirtNative.virStoragePoolDefineXML(conn, VolumeXml.Pool(Name, Path), 0);
                if (pool == IntPtr.Zero) throw connection.LastError($"virStoragePoolDefineXML({Name} at {Path})");
            }
            try
            {
                var active = LibvirtNative.virStoragePoolIsActive(pool);
                if (active < 0) throw connection.LastError($"virStoragePoolIsActive({Name})");
                if (active == 0)
                {
                    // Build makes the directory (a no-op when it exists); the pool then starts with the daemon too.
                    if (LibvirtNative.virStoragePoolBuild(pool, 0) != 0) throw connection.LastError($"virStoragePoolBuild({Name})");
                    if (LibvirtNative.virStoragePoolCreate(pool, 0) != 0) throw connection.LastError($"virStoragePoolCreate({Name})");
                    if (LibvirtNative.virStoragePoolSetAutostart(pool, 1) != 0) throw connection.LastError($"virStoragePoolSetAutostart({Name})");
                }
                else if (LibvirtNative.virStoragePoolRefresh(pool, 0) != 0) throw connection.LastError($"virStoragePoolRefresh({Name})");
                return true;
            }
            finally { LibvirtNative.virStoragePoolFree(pool); }
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<string>>($"list volumes of '{Name}'", conn => WithPool(conn, "list volumes", pool =>
        {
            unsafe
            {
                IntPtr array;
                var count = LibvirtNative.virStoragePoolListAllVolumes(pool, &array, 0);
                if (count < 0) throw connection.LastError($"virStoragePoolListAllVolumes({Name})");
                var names = new List<string>(count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        var volume = ((IntPtr*)array)[i];
                        try { names.Add(Marshal.PtrToStringUTF8(LibvirtNative.virStorageVolGetName(volume)) ?? "?"); }
                        finally { LibvirtNative.virStorageVolFree(volume); }
                    }
                }
                finally { LibvirtNative.Free(array); }
                return names;
            }
        }));

    /// <inheritdoc />
    public Task<PoolVolume?> FindAsync(string volume, CancellationToken cancellationToken = default) =>
        connection.RunAsync($"find volume '{volume}'", conn => WithPool<PoolVolume?>(conn, "find volume", pool =>
        {
            var v = LibvirtNative.virStorageVolLookupByName(pool, volume);
            if (v == IntPtr.Zero)
            {
                var e = connection.LastError($"virStorageVolLookupByName({volume})");
                return e.Code == LibvirtNative.ErrNoStorageVol ? null : throw e;
            }
            try { return Describe(v, volume); }
            finally { LibvirtNative.virStorageVolFree(v); }
        }));

    /// <inheritdoc />
    public Task<PoolVolume> CreateAsync(string volume, long capacity, CancellationToken cancellationToken = default) =>
        Create(volume, VolumeXml.Raw(volume, capacity));

    /// <inheritdoc />
    public Task<PoolVolume> CreateOverlayAsync(string volume, PoolVolume backing, string backingFormat, CancellationToken cancellationToken = default) =>
        Create(volume, VolumeXml.Overlay(volume, backing, backingFormat));

    private Task<PoolVolume> Create(string volume, string xml) =>
        connection.RunAsync($"create volume '{volume}'", conn => WithPool(conn, "create volume", pool =>
        {
            var v = LibvirtNative.virStorageVolCreateXML(pool, xml, 0);
            if (v == IntPtr.Zero) throw connection.LastError($"virStorageVolCreateXML({volume})");
            try { return Describe(v, volume); }
            finally { LibvirtNative.virStorageVolFree(v); }
        }));

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string volume, CancellationToken cancellationToken = default) =>
        connection.RunAsync($"delete volume '{volume}'", conn => WithPool(conn, "delete volume", pool =>
        {
            var v = LibvirtNative.virStorageVolLookupByName(pool, volume);
            if (v == IntPtr.Zero)
            {
                var e = connection.LastError($"virStorageVolLookupByName({volume})");
                return e.Code == LibvirtNative.ErrNoStorageVol ? false : throw e;
            }
            try
            {
                if (LibvirtNative.virStorageVolDelete(v, 0) != 0) throw connection.LastError($"virStorageVolDelete({volume})");
                return true;
            }
            finally { LibvirtNative.virStorageVolFree(v); }
        }));

    /// <inheritdoc />
    public async Task UploadAsync(string volume, long length, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        var stream = await connection.RunAsync($"upload to '{volume}'", conn => WithPool(conn, "upload", pool =>
        {
            var v = LibvirtNative.virStorageVolLookupByName(pool, volume);
            if (v == IntPtr.Zero) throw connection.LastError($"virStorageVolLookupByName({volume})");
            try
            {
                var s = LibvirtNative.virStreamNew(conn, 0);
                if (s == IntPtr.Zero) throw connection.LastError("virStreamNew");
                if (LibvirtNative.virStorageVolUpload(v, s, 0, (ulong)length, 0) != 0)
                {
                    var e = connection.LastError($"virStorageVolUpload({volume})");
                    LibvirtNative.virStreamFree(s);
                    throw e;
                }
                return s;
            }
            finally { LibvirtNative.virStorageVolFree(v); }
        }));
        try
        {
            await write(new UploadStream(connection, stream, volume), cancellationToken);
            await connection.RunAsync($"finish upload to '{volume}'", _ =>
                LibvirtNative.virStreamFinish(stream) == 0 ? true : throw connection.LastError($"virStreamFinish({volume})"));
        }
        catch
        {
            try { await connection.RunAsync($"abort upload to '{volume}'", _ => LibvirtNative.virStreamAbort(stream)); }
            catch (HypervisorException) { /* the upload failed already; its own error is the one to report */ }
            throw;
        }
        finally
        {
            try { await connection.RunAsync("free stream", _ => LibvirtNative.virStreamFree(stream)); }
            catch (HypervisorException) { /* the connection is closing: its streams go with it */ }
        }
        await connection.RunAsync($"refresh pool '{Name}'", conn => WithPool(conn, "refresh", pool =>
            LibvirtNative.virStoragePoolRefresh(pool, 0) == 0 ? true : throw connection.LastError($"virStoragePoolRefresh({Name})")));
    }

    private T WithPool<T>(IntPtr conn, string operation, Func<IntPtr, T> use)
    {
        var pool = LibvirtNative.virStoragePoolLookupByName(conn, Name);
        if (pool == IntPtr.Zero) throw connection.LastError($"{operation}: virStoragePoolLookupByName({Name})");
        try { return use(pool); }
        finally { LibvirtNative.virStoragePoolFree(pool); }
    }

    private unsafe PoolVolume Describe(IntPtr volume, string name)
    {
        var path = LibvirtNative.TakeString(LibvirtNative.virStorageVolGetPath(volume)) ?? throw connection.LastError($"virStorageVolGetPath({name})");
        LibvirtNative.VirStorageVolInfo info;
        if (LibvirtNative.virStorageVolGetInfo(volume, &info) != 0) throw connection.LastError($"virStorageVolGetInfo({name})");
        return new PoolVolume(name, path, (long)info.Capacity);
    }

    /// <summary>The bytes of an upload, sent to the daemon on the connection's thread, one write per call.</summary>
    private sealed class UploadStream(LibvirtConnection connection, IntPtr stream, string volume) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var pin = buffer.Pin();
            await connection.RunAsync($"send to '{volume}'", _ => Send(pin, buffer.Length));
        }

        private unsafe bool Send(MemoryHandle pin, int length)
        {
            var data = (byte*)pin.Pointer;
            var sent = 0;
            while (sent < length)
            {
                // Blocking stream: libvirt takes at most one message's worth per call.
                var n = LibvirtNative.virStreamSend(stream, data + sent, (nuint)(length - sent));
                if (n < 0) throw connection.LastError($"virStreamSend({volume})");
                sent += n;
            }
            return true;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("an upload to libvirt is written asynchronously (WriteAsync): its calls run on the connection's thread");

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
