using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// One libvirt connection and the dedicated thread that makes every call on it. libvirt calls
/// block (a remote qemu+ssh host can take seconds), so they never run on a grain or thread-pool
/// thread; and virGetLastError is per thread, so the error is read on the thread that failed.
/// </summary>
internal sealed class LibvirtConnection : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;
    private IntPtr _conn;

    private LibvirtConnection(string node, string uri)
    {
        Node = node;
        Uri = uri;
        _thread = new Thread(Run) { IsBackground = true, Name = $"libvirt:{node}" };
        _thread.Start();
    }

    public string Node { get; }
    public string Uri { get; }
    internal IntPtr Handle => _conn;

    public static async Task<LibvirtConnection> OpenAsync(string node, string uri)
    {
        LibvirtRuntime.EnsureInitialized();
        var connection = new LibvirtConnection(node, uri);
        try
        {
            connection._conn = await connection.RunAsync($"open '{uri}'", _ =>
            {
                var c = LibvirtNative.virConnectOpen(uri);
                // Whatever libvirt's code (system error, XML error of a node file, auth), the node is unreachable.
                if (c == IntPtr.Zero) throw connection.LastError($"open '{uri}'", HypervisorErrorKind.ConnectionFailed);
                return c;
            }, requireOpen: false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="call"/> on this connection's thread.</summary>
    public Task<T> RunAsync<T>(string operation, Func<IntPtr, T> call, bool requireOpen = true)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work.Add(() =>
            {
                try
                {
                    if (requireOpen && _conn == IntPtr.Zero)
                        throw new HypervisorException(Node, HypervisorErrorKind.ConnectionFailed, $"{operation}: connection to '{Uri}' is closed");
                    LibvirtNative.virResetLastError();
                    done.SetResult(call(_conn));
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
        }
        catch (InvalidOperationException)
        {
            done.SetException(new HypervisorException(Node, HypervisorErrorKind.ConnectionFailed, $"{operation}: connection to '{Uri}' is closed"));
        }
        return done.Task;
    }

    /// <summary>The error libvirt recorded for this thread's last failed call, as a typed exception.</summary>
    internal unsafe LibvirtException LastError(string operation, HypervisorErrorKind? kind = null)
    {
        var e = LibvirtNative.virGetLastError();
        if (e == null) return new LibvirtException(Node, operation, -1, 0, "libvirt reported no error details", kind);
        var message = Marshal.PtrToStringUTF8(e->Message) ?? "(no message)";
        return new LibvirtException(Node, operation, e->Code, e->Domain, message, kind);
    }

    private void Run()
    {
        foreach (var item in _work.GetConsumingEnumerable()) item();
    }

    public void Dispose()
    {
        if (_work.IsAddingCompleted) return;
        var closing = _conn;
        if (closing != IntPtr.Zero)
            _work.Add(() => { LibvirtNative.virConnectClose(closing); _conn = IntPtr.Zero; });
        _work.CompleteAdding();
        if (Thread.CurrentThread != _thread) _thread.Join(TimeSpan.FromSeconds(10));
    }
}
