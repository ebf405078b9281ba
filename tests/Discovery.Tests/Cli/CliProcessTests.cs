using System.Diagnostics;
using System.Text.Json;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Cli;

/// <summary>
/// The <c>discovery</c> executable against a running silo executable, as an operator uses them. In the DVMS
/// collection: two processes at full speed would starve the timing-sensitive in-process clusters on 2 cores.
/// </summary>
[Collection(global::Discovery.Tests.Scheduling.DvmsCollection.Name)]
public sealed class CliProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("discovery-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the CLI's own build output; returns its exit code and what it printed.</summary>
    private static async Task<(int Exit, string Out, string Err)> Discovery(params string[] args)
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Discovery.sln"))) root = root.Parent;
        var cli = Path.Combine(root!.FullName, "Cli", "bin", configuration, "net10.0", "discovery.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Ve_and_node_commands_work_against_a_silo_and_fail_in_one_line_without_one()
    {
        var noSilo = FreePort();
        var down = await Discovery("nodes", "--gateway", noSilo.ToString());
        Assert.Equal((3, "", $"discovery: no Discovery silo answered on localhost gateway port {noSilo} within 10 s (cluster 'discovery'): is one running?\n"), down);

        var (http, gateway) = (FreePort(), FreePort());
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}",
            "--Discovery:Simulated:Nodes=8", "--Discovery:Simulated:VmsPerNode=2", "--Discovery:Simulated:LoadInjector=false");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        await PollUntilUp(web, "/healthz", silo.Process);
        var g = gateway.ToString();

        var file = Path.Combine(_dir, "shop.ve");
        File.WriteAllText(file, "web1 : small;\nweb2 : {vcpus: 2, memory: 1GiB, cpu: 50%};\nspread(web[1..2]);\n");
        var submitted = await Discovery("ve", "submit", file, "--name", "alice/shop", "--wait", "--gateway", g);
        Assert.Equal(0, submitted.Exit);
        Assert.StartsWith("alice/shop: Running\n", submitted.Out);
        var shown = await Discovery("ve", "show", "alice/shop", "--json", "--gateway", g);
        Assert.Equal(0, shown.Exit);
        Assert.Equal(["web1 1 100%", "web2 2 50%"], JsonDocument.Parse(shown.Out).RootElement.GetProperty("vms").EnumerateArray()
            .Select(v => $"{v.GetProperty("name").GetString()} {v.GetProperty("vcpus").GetInt32()} {v.GetProperty("cpu").GetString()}"));

        var list = await Discovery("ve", "list", "--json", "--gateway", g);
        Assert.Equal(0, list.Exit);
        Assert.Equal("[{\"ve\":\"alice/shop\",\"state\":\"Running\"}]", JsonSerializer.Serialize(JsonDocument.Parse(list.Out).RootElement));

        Assert.StartsWith("alice/shop: Stopped\n", (await Discovery("ve", "stop", "alice/shop", "--gateway", g)).Out);
        Assert.Equal((5, "", "discovery: Resume alice/shop: the VE is stopped: start it\n"), await Discovery("ve", "resume", "alice/shop", "--gateway", g));
        Assert.Equal((4, "", "discovery: VE bob/none does not exist: submit it first\n"), await Discovery("ve", "show", "bob/none", "--gateway", g));
        File.WriteAllText(file, "web1 : small;\nban({web1}, {WN9});\n");
        Assert.Equal((1, "", $"{file}:2:13: ban: unknown node WN9\n"), await Discovery("ve", "submit", file, "--name", "alice/bad", "--gateway", g));

        var nodes = await Discovery("nodes", "--json", "--gateway", g);
        Assert.Equal(0, nodes.Exit);
        Assert.Equal(8, JsonDocument.Parse(nodes.Out).RootElement.GetArrayLength());
        Assert.Equal((0, "node-0003: maintenance requested; its VMs will be migrated away\n", ""), await Discovery("node", "drain", "node-0003", "--gateway", g));
        Assert.Equal((0, "node-0003: maintenance cancelled\n", ""), await Discovery("node", "undrain", "node-0003", "--gateway", g));
        silo.Process.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task The_seed_s_example_runs_as_written_on_the_seed_s_nodes()
    {
        var infra = Path.Combine(_dir, "seed.infra");
        File.WriteAllText(infra, "WN[1..11] : {cores: 8, memory: 32GiB, site: \"rennes\"};\nSN1 : {cores: 8, memory: 32GiB, site: \"rennes\"};\n");
        var ve = Path.Combine(_dir, "seed.ve");
        File.WriteAllText(ve, global::Discovery.Tests.Language.VeCompilerTests.Seed);
        Assert.Equal(0, (await Discovery("ve", "check", ve, "--infrastructure", infra)).Exit);

        var (http, gateway) = (FreePort(), FreePort());
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}",
            $"--Discovery:Simulated:Infrastructure={infra}", "--Discovery:Simulated:VmsPerNode=0");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        await PollUntilUp(web, "/healthz", silo.Process);

        var submitted = await Discovery("ve", "submit", ve, "--name", "seed/app", "--wait", "--gateway", gateway.ToString());
        Assert.Equal(0, submitted.Exit);
        var hosts = submitted.Out.Split('\n').Skip(1).Where(l => l.Length > 0).ToDictionary(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.Equal(9, hosts.Count);
        Assert.All(hosts.Values, h => Assert.Contains(h, new[] { "WN6", "WN7", "WN8", "WN9", "WN10", "WN11" }));   // fence, minus the bans
        Assert.Equal(3, hosts.Where(h => h.Key is "VM1" or "VM2" or "VM3").Select(h => h.Value).Distinct().Count()); // spread($T1)
        Assert.Equal(4, hosts.Where(h => h.Key is "VM4" or "VM5" or "VM6" or "VM7").Select(h => h.Value).Distinct().Count());
        Assert.All(new[] { hosts["VM8"], hosts["VM9"] }, h => Assert.Contains(h, new[] { "WN9", "WN10", "WN11" })); // latency($T3, $small)
        Assert.NotEqual(hosts["VM8"], hosts["VM9"]);
        silo.Process.Kill(entireProcessTree: true);
    }
}
