using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// The project's own P/Invoke binding of the few libvirt functions Discovery uses. Debian's
/// libvirt0 ships only the versioned <c>libvirt.so.0</c>, so that is the name imported.
/// Ownership rules (libvirt's docs): arrays from virConnectListAllDomains and strings from
/// virDomainGetXMLDesc are freed with libc free; each domain with virDomainFree; the name from
/// virDomainGetName and the error from virGetLastError belong to libvirt.
/// </summary>
internal static unsafe partial class LibvirtNative
{
    internal const string Library = "libvirt.so.0";

    // virDomainState
    internal const int StateNoState = 0, StateRunning = 1, StateBlocked = 2, StatePaused = 3,
        StateShutdown = 4, StateShutoff = 5, StateCrashed = 6, StatePmSuspended = 7;

    // virDomainMigrateFlags
    internal const uint MigrateLive = 1, MigratePeer2Peer = 2, MigratePersistDest = 8, MigrateUndefineSource = 16,
        MigrateNonSharedInc = 128, MigrateTls = 1 << 16;

    // virConnectListAllDomainsFlags: 0 = all domains, active and inactive.
    internal const uint ListAllDomains = 0;

    // virDomainEventID
    internal const int EventIdLifecycle = 0;

    // virErrorNumber values Discovery reacts to.
    internal const int ErrNoSupport = 3, ErrNoConnect = 5, ErrInvalidArg = 8, ErrOperationFailed = 9,
        ErrXmlError = 27, ErrDomExist = 28, ErrOpenFailed = 30, ErrXmlDetail = 35, ErrAuthFailed = 45,
        ErrNoDomain = 42, ErrNoStoragePool = 49, ErrNoStorageVol = 50, ErrOperationInvalid = 55, ErrConfigUnsupported = 67, ErrArgumentUnsupported = 74,
        ErrOperationUnsupported = 84;

    [StructLayout(LayoutKind.Sequential)]
    internal struct VirError
    {
        public int Code;
        public int Domain;
        public IntPtr Message;
        public int Level;
        public IntPtr Conn;
        public IntPtr Dom;
        public IntPtr Str1, Str2, Str3;
        public int Int1, Int2;
        public IntPtr Net;
    }

    // C `unsigned long` is 8 bytes on linux-x64: nuint matches it on every 64-bit Unix.
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirNodeInfo
    {
        public fixed byte Model[32];
        public nuint MemoryKiB;
        public uint Cpus, Mhz, Nodes, Sockets, Cores, Threads;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainInfo
    {
        public byte State;
        public nuint MaxMemKiB;
        public nuint MemoryKiB;
        public ushort NrVirtCpu;
        public ulong CpuTimeNs;
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virGetVersion(out nuint libVer, string? type, IntPtr typeVer);

    [LibraryImport(Library)]
    internal static partial void virSetErrorFunc(IntPtr userData, delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> handler);

    [LibraryImport(Library)]
    internal static partial VirError* virGetLastError();

    [LibraryImport(Library)]
    internal static partial void virResetLastError();

    [LibraryImport(Library)]
    internal static partial int virEventRegisterDefaultImpl();

    [LibraryImport(Library)]
    internal static partial int virEventRunDefaultImpl();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virConnectOpen(string? name);

    [LibraryImport(Library)]
    internal static partial int virConnectClose(IntPtr conn);

    [LibraryImport(Library)]
    internal static partial int virNodeGetInfo(IntPtr conn, VirNodeInfo* info);

    [LibraryImport(Library)]
    internal static partial int virConnectListAllDomains(IntPtr conn, IntPtr* domains, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virDomainLookupByName(IntPtr conn, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virDomainDefineXML(IntPtr conn, string xml);

    [LibraryImport(Library)]
    internal static partial IntPtr virDomainGetName(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainGetInfo(IntPtr domain, VirDomainInfo* info);

    [LibraryImport(Library)]
    internal static partial IntPtr virDomainGetXMLDesc(IntPtr domain, uint flags);

    [LibraryImport(Library)]
    internal static partial int virDomainCreate(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainShutdown(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainSuspend(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainResume(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainDestroy(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainUndefine(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainIsActive(IntPtr domain);

    [LibraryImport(Library)]
    internal static partial int virDomainFree(IntPtr domain);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainMigrateToURI3(IntPtr domain, string dconnuri, IntPtr parameters, uint nparams, uint flags);

    [LibraryImport(Library)]
    internal static partial int virConnectDomainEventRegisterAny(IntPtr conn, IntPtr domain, int eventId,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, int, IntPtr, int> callback, IntPtr opaque, IntPtr freeCallback);

    [LibraryImport(Library)]
    internal static partial int virConnectDomainEventDeregisterAny(IntPtr conn, int callbackId);

    [StructLayout(LayoutKind.Sequential)]
    internal struct VirStorageVolInfo
    {
        public int Type;
        public ulong Capacity;
        public ulong Allocation;
    }

    // ---- storage pools and volumes (libvirt-storage.h), streams (libvirt-stream.h) ----
    // Pools and volumes are freed with virStoragePoolFree / virStorageVolFree, a stream with virStreamFree; the path
    // from virStorageVolGetPath is the caller's (libc free); the name from virStorageVolGetName belongs to the volume.

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virStoragePoolLookupByName(IntPtr conn, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virStoragePoolDefineXML(IntPtr conn, string xml, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolBuild(IntPtr pool, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolCreate(IntPtr pool, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolIsActive(IntPtr pool);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolSetAutostart(IntPtr pool, int autostart);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolRefresh(IntPtr pool, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolListAllVolumes(IntPtr pool, IntPtr* volumes, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStoragePoolFree(IntPtr pool);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virStorageVolLookupByName(IntPtr pool, string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr virStorageVolCreateXML(IntPtr pool, string xml, uint flags);

    [LibraryImport(Library)]
    internal static partial IntPtr virStorageVolGetName(IntPtr volume);

    [LibraryImport(Library)]
    internal static partial IntPtr virStorageVolGetPath(IntPtr volume);

    [LibraryImport(Library)]
    internal static partial int virStorageVolGetInfo(IntPtr volume, VirStorageVolInfo* info);

    [LibraryImport(Library)]
    internal static partial int virStorageVolDelete(IntPtr volume, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStorageVolUpload(IntPtr volume, IntPtr stream, ulong offset, ulong length, uint flags);

    [LibraryImport(Library)]
    internal static partial int virStorageVolFree(IntPtr volume);

    [LibraryImport(Library)]
    internal static partial IntPtr virStreamNew(IntPtr conn, uint flags);

    /// <summary>Blocking send: the number of bytes taken (possibly fewer than <paramref name="nbytes"/>), or -1 on error.</summary>
    [LibraryImport(Library)]
    internal static partial int virStreamSend(IntPtr stream, byte* data, nuint nbytes);

    [LibraryImport(Library)]
    internal static partial int virStreamFinish(IntPtr stream);

    [LibraryImport(Library)]
    internal static partial int virStreamAbort(IntPtr stream);

    [LibraryImport(Library)]
    internal static partial int virStreamFree(IntPtr stream);

    [LibraryImport("libc", EntryPoint = "free")]
    internal static partial void Free(IntPtr ptr);

    /// <summary>libvirt's default handler prints every error to stderr; errors reach callers as exceptions instead.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void IgnoreError(IntPtr userData, IntPtr error) { }

    /// <summary>Copies a string libvirt allocated and frees it with libc free.</summary>
    internal static string? TakeString(IntPtr ptr)
    {
        if (ptr == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(ptr); }
        finally { Free(ptr); }
    }
}
