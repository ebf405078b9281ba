using System.Diagnostics;
using System.Net;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Silo;

/// <summary>The real silo executable, as an operator starts it.</summary>
public sealed class SiloProcessTests
{
    [Fact]
    public async Task Embedded_default_serves_the_dashboard_and_the_nodes()
    {
        var http = FreePort();
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={FreePort()}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
        try
        {
            var dashboard = await PollUntilUp(client, "/dashboard", silo.Process);
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("Orleans Dashboard", await dashboard.Content.ReadAsStringAsync());

            var nodes = await client.GetStringAsync("/api/nodes");
            Assert.Equal(32, System.Text.Json.JsonDocument.Parse(nodes).RootElement.GetArrayLength());
        }
        finally
        {
            silo.Process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task The_client_library_reads_a_node_and_drains_it()
    {
        var http = FreePort();
        var gateway = FreePort();
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}",
            // Four one-vCPU VMs on 8 cores stay under 50 %: no node overloads or nears it, so nothing moves before the drain.
            "--Discovery:Simulated:Speedup=10", "--Discovery:Simulated:Nodes=8", "--Discovery:Simulated:VmsPerNode=4");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
        await PollUntilUp(web, "/healthz", silo.Process);

        await using var client = await Discovery.Client.DiscoveryClient.ConnectAsync(new Discovery.Client.DiscoveryClientOptions { GatewayPort = gateway });
        var node = await client.GetNodeAsync("node-0003");
        Assert.Equal(["vm-00012", "vm-00013", "vm-00014", "vm-00015"], node.Vms.Select(v => v.Id).Order(StringComparer.Ordinal));

        await client.DrainAsync("node-0003");
        var deadline = Stopwatch.StartNew();
        while ((await client.GetNodeAsync("node-0003")).Vms.Length > 0)
        {
            Assert.True(deadline.Elapsed < StartTimeout, "node-0003 was not drained");
            await Task.Delay(200);
        }
        Assert.True((await client.GetNodeStatusAsync("node-0003")).Maintenance);
    }

    [Fact]
    public async Task Bad_configuration_stops_with_the_key_named()
    {
        using var silo = StartSilo("--Discovery:Hypervisor=vmware", "--Discovery:Simulated:Nodes=0");
        await silo.Process.WaitForExitAsync().WaitAsync(StartTimeout);
        Assert.Equal(2, silo.Process.ExitCode);
        var stderr = silo.Stderr.ToString();
        Assert.Contains("Discovery:Hypervisor: 'vmware' is not one of Simulated, Libvirt", stderr);
        Assert.Contains("Discovery:Simulated:Nodes: '0' is not a whole number", stderr);
    }

    [Fact]
    public async Task Ctrl_C_stops_scheduling_then_the_silo_within_seconds_without_a_stack_trace()
    {
        var http = FreePort();
        // Speedup 10 and many overloads: partitions are running when the operator stops the silo.
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={FreePort()}",
            "--Discovery:Simulated:Speedup=10");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
        await PollUntilUp(web, "/healthz", silo.Process);
        // Stop while a partition holds nodes: it must release them before the silo goes.
        var deadline = Stopwatch.StartNew();
        while (!(await web.GetStringAsync("/api/nodes")).Contains("\"reservedBy\":\"", StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < StartTimeout, "no partition started within the start timeout");
            await Task.Delay(20);
        }

        var stopping = Stopwatch.StartNew();
        silo.Interrupt();
        await silo.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var output = silo.Stdout + Environment.NewLine + silo.Stderr;

        Assert.Equal(0, silo.Process.ExitCode);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"stopped in {stopping.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("Scheduling stopped", output);
        Assert.DoesNotContain("   at ", output);       // no stack trace
        Assert.DoesNotContain("Exception", output);
        Assert.DoesNotContain("No active nodes are compatible", output);
    }
}
