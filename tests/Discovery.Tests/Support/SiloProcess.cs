using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Discovery.Tests.Support;

/// <summary>Starts the real silo executable (its own build output) as an operator would.</summary>
public static class SiloProcess
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<HttpResponseMessage> PollUntilUp(HttpClient client, string path, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"silo exited with code {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                var response = await client.GetAsync(path);
                if (response.StatusCode != HttpStatusCode.NotFound && response.StatusCode != HttpStatusCode.ServiceUnavailable) return response;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            Assert.True(deadline.Elapsed < StartTimeout, $"silo did not answer {path} within {StartTimeout.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port free now and never handed out before in this test run: the kernel may give the same ephemeral port
    /// twice in a row once its listener closed (a silo got GatewayPort == SiloPort in CI).
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
                if (HandedOut.Add(port)) return port;
        }
    }

    public sealed class RunningSilo(Process process) : IDisposable
    {
        public Process Process { get; } = process;
        public System.Text.StringBuilder Stderr { get; } = new();
        public System.Text.StringBuilder Stdout { get; } = new();

        /// <summary>What an operator's Ctrl+C sends.</summary>
        public void Interrupt()
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", $"-INT {Process.Id}") { UseShellExecute = false })!;
            kill.WaitForExit();
        }
        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    /// <summary>The clone this test assembly was built from (the folder of Discovery.sln).</summary>
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Discovery.sln"))) root = root.Parent;
        Assert.NotNull(root);
        return root.FullName;
    }

    /// <summary>The build configuration of this test assembly (bin/&lt;Configuration&gt;/net10.0): the executables run are built alike.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The <c>discovery</c> command's build output.</summary>
    public static string CliDll => Path.Combine(RepositoryRoot(), "Cli", "bin", Configuration, "net10.0", "discovery.dll");

    public static RunningSilo StartSilo(params string[] args)
    {
        // The silo's own build output, same configuration as this test assembly.
        var siloDir = Path.Combine(RepositoryRoot(), "Silo", "bin", Configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = siloDir, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(siloDir, "Discovery.Silo.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var running = new RunningSilo(process);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (running.Stderr) running.Stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (running.Stdout) running.Stdout.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return running;
    }
}
