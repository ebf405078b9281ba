using System.Diagnostics;
using Discovery.Hypervisors.Simulated;
using Discovery.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Tests.Support;

/// <summary>
/// The real silo (<see cref="SiloApplication"/>: Orleans, the HTTP surface, simulated hypervisors) started in
/// the test process on free ports, so a test can act on its simulated datacentre while it talks HTTP to it.
/// </summary>
public sealed class InProcessSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessSilo(WebApplication app, Uri address, int gatewayPort)
    {
        _app = app;
        Address = address;
        GatewayPort = gatewayPort;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) }.WithToken();
    }

    public Uri Address { get; }

    /// <summary>The Orleans gateway port, for an external client.</summary>
    public int GatewayPort { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public SimulatedDatacenter Datacenter => _app.Services.GetRequiredService<SimulatedDatacenter>();

    /// <summary>Starts a silo with <paramref name="settings"/> (<c>Key=value</c> under <c>Discovery:</c>) on free ports.</summary>
    public static async Task<InProcessSilo> StartAsync(params string[] settings)
    {
        var (http, gateway) = (SiloProcess.FreePort(), SiloProcess.FreePort());
        string[] args =
        [
            $"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={SiloProcess.FreePort()}", $"--Discovery:GatewayPort={gateway}",
            "--Logging:LogLevel:Default=Warning", .. settings.Select(s => "--Discovery:" + s),
        ];
        var app = SiloApplication.Build(args, out var problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
        await app.StartAsync();
        return new InProcessSilo(app, new Uri($"http://127.0.0.1:{http}"), gateway);
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntil(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < (timeout ?? SiloProcess.StartTimeout), $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The scenario the overview and page tests watch: one overload that DVMS solves with exactly two migrations.</summary>
public static class OneOverload
{
    /// <summary>
    /// Every VM of <paramref name="node"/> (10 VMs of 1 vCPU on 8 cores) asks for a full core: 1000 of 800, the
    /// other nodes idle. Moving the fewest bytes means moving two of its equal VMs.
    /// </summary>
    public static async Task StartAsync(InProcessSilo silo, string node)
    {
        foreach (var vm in await silo.Datacenter[node].ListVmsAsync()) silo.Datacenter.SetDemand(vm.Id, 100);
    }
}
