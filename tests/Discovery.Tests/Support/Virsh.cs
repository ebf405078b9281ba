using System.Diagnostics;

namespace Discovery.Tests.Support;

/// <summary>virsh against one daemon of the libvirt pair, for tests that check what the daemons hold.</summary>
public static class Virsh
{
    /// <summary>Runs <c>virsh -q -c URI ARGS</c>; throws with virsh's error when it fails.</summary>
    public static Task<string> RunAsync(string uri, params string[] args) => Run(uri, args, allowFailure: false);

    /// <summary>As <see cref="RunAsync"/>, but a failure (a domain or volume already gone) returns its output.</summary>
    public static Task<string> TryAsync(string uri, params string[] args) => Run(uri, args, allowFailure: true);

    /// <summary>The console log of <paramref name="vm"/> under the pair daemon of <paramref name="uri"/> (its <c>log/</c> is bind-mounted over /var/log/libvirt).</summary>
    public static string ConsoleLog(string uri, string vm)
    {
        var socket = uri.Split("socket=", 2) is [_, var s] ? s : throw new InvalidOperationException($"'{uri}' is not a pair daemon's socket URI");
        var daemonDir = Path.GetDirectoryName(Path.GetDirectoryName(socket))!;
        return Path.Combine(daemonDir, "log", "qemu", Path.GetFileName(Discovery.Hypervisors.Libvirt.DomainXml.ConsoleLog(vm)));
    }

    /// <summary>The lines of a console log written while the guest runs (read without locking it).</summary>
    public static IReadOnlyList<string> Lines(string console)
    {
        if (!File.Exists(console)) return [];
        using var stream = new FileStream(console, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
    }

    private static async Task<string> Run(string uri, string[] args, bool allowFailure)
    {
        var start = new ProcessStartInfo("virsh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-q", "-c", uri, .. args]) start.ArgumentList.Add(arg);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0 && !allowFailure) throw new InvalidOperationException($"virsh {string.Join(' ', start.ArgumentList)}: {error}");
        return await output;
    }
}
