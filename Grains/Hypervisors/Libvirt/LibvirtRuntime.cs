using System.Runtime.InteropServices;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// Process-wide libvirt set-up, done once before the first connection: silence libvirt's
/// stderr printing (errors become exceptions), register the default event implementation and
/// run its loop on a dedicated background thread so lifecycle events are delivered.
/// </summary>
public static unsafe class LibvirtRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;
    private static Thread? _eventLoop;

    /// <summary>True when <c>libvirt.so.0</c> can be loaded on this machine.</summary>
    public static bool IsAvailable => NativeLibrary.TryLoad(LibvirtNative.Library, out _);

    /// <summary>The library's version (e.g. 9.0.0), or null when libvirt is absent.</summary>
    public static Version? LibraryVersion
    {
        get
        {
            if (!IsAvailable || LibvirtNative.virGetVersion(out var v, null, IntPtr.Zero) != 0) return null;
            var n = (ulong)v;
            return new Version((int)(n / 1_000_000), (int)(n / 1000 % 1000), (int)(n % 1000));
        }
    }

    /// <summary>Initialises libvirt once; safe to call from anywhere, any number of times.</summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized) return;
            if (!IsAvailable)
                throw new HypervisorException("libvirt", HypervisorErrorKind.ConnectionFailed,
                    $"cannot load {LibvirtNative.Library}: install it (Debian: apt-get install -y libvirt0)");
            LibvirtNative.virSetErrorFunc(IntPtr.Zero, &LibvirtNative.IgnoreError);
            if (LibvirtNative.virEventRegisterDefaultImpl() != 0)
                throw new HypervisorException("libvirt", HypervisorErrorKind.Other, "virEventRegisterDefaultImpl failed");
            _eventLoop = new Thread(RunEventLoop) { IsBackground = true, Name = "libvirt-event-loop" };
            _eventLoop.Start();
            _initialized = true;
        }
    }

    private static void RunEventLoop()
    {
        // The loop lives as long as the process: libvirt offers no way to unregister the default impl.
        while (true)
        {
            if (LibvirtNative.virEventRunDefaultImpl() < 0)
                Thread.Sleep(100); // a failing iteration must not spin a core
        }
    }
}
