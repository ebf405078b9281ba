using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
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
        using var process = Process.Start(Cli(args))!;
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The CLI's own build output with <paramref name="args"/>, its output redirected.</summary>
    private static ProcessStartInfo Cli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Output lines with their time stamp (<c>  12:01:03  </c>) replaced by <c>  [time]  </c>.</summary>
    private static string[] Lines(string output) =>
        Regex.Replace(output, @"^  \d\d:\d\d:\d\d  ", "  [time]  ", RegexOptions.Multiline).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Ve_and_node_commands_work_against_a_silo_and_fail_in_one_line_without_one()
    {
        var noSilo = FreePort();
        var down = await Discovery("nodes", "--gateway", noSilo.ToString());
        Assert.Equal((3, "", $"discovery: no Discovery silo answered on localhost gateway port {noSilo} within 10 s (cluster 'discovery'): is one running?\n"), down);

        var (http, gateway) = (FreePort(), FreePort());
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}",
            "--Discovery:Simulated:Nodes=8", "--Discovery:Simulated:VmsPerNode=2", "--Discovery:Simulated:LoadInjector=false");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
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

        // Images: a push sends the chunks the cluster lacks, the same file again sends none; list, show, delete.
        var disk = Path.Combine(_dir, "tiny.raw");
        File.WriteAllBytes(disk, [.. Enumerable.Range(0, (4 << 20) + 100).Select(i => (byte)(i * 7))]);
        Assert.Equal((0, "tiny v1 (raw, 4.0 MiB): 2 chunk(s) sent (4.0 MiB), 0 already at PoP site-00\n"),
            await Discovery("image", "push", disk, "--name", "tiny", "--gateway", g) is var first ? (first.Exit, first.Out) : default);
        Assert.Equal((0, "tiny v1 (raw, 4.0 MiB): 0 chunk(s) sent (0 B), 2 already at PoP site-00\n"),
            await Discovery("image", "push", disk, "--name", "tiny", "--gateway", g) is var again ? (again.Exit, again.Out) : default);
        var images = await Discovery("image", "list", "--gateway", g);
        Assert.Contains("tiny                           1    4.0 MiB public           0 site-00\n", images.Out);
        Assert.StartsWith("tiny v1 (raw, 4.0 MiB)\n  digest  ", (await Discovery("image", "show", "tiny", "--gateway", g)).Out);
        Assert.Equal((0, "deleted image tiny\n", ""), await Discovery("image", "delete", "tiny", "--gateway", g));
        Assert.Equal((4, "", "discovery: no image 'tiny': `discovery image list` shows the images you may boot\n"), await Discovery("image", "show", "tiny", "--gateway", g));
        Assert.Equal((2, "", "discovery image push: --initrd and --cmdline belong to a direct boot: give --kernel too\n"),
            await Discovery("image", "push", disk, "--name", "x", "--cmdline", "quiet", "--gateway", g));
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
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
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

    [Fact]
    public async Task Submit_wait_prints_each_change_until_running_and_on_timeout_says_what_to_do()
    {
        // One node of 8 cores and 32 GiB; a 20 GiB hog leaves no room for a 16 GiB VE until it is deleted.
        var (http, gateway) = (FreePort(), FreePort());
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}",
            "--Discovery:Simulated:Nodes=1", "--Discovery:Simulated:VmsPerNode=0", "--Discovery:Simulated:LoadInjector=false");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
        await PollUntilUp(web, "/healthz", silo.Process);
        var g = gateway.ToString();
        var (hog, shop) = (Path.Combine(_dir, "hog.ve"), Path.Combine(_dir, "shop.ve"));
        File.WriteAllText(hog, "h1 : {vcpus: 1, memory: 20GiB, image: \"debian-12\"};\n");
        File.WriteAllText(shop, "w1 : {vcpus: 1, memory: 16GiB, image: \"debian-12\"};\n");
        Assert.Equal(0, (await Discovery("ve", "submit", hog, "--name", "alice/hog", "--gateway", g)).Exit);
        const string reason = "alice.shop.w1 needs 1 vCPU / 16 GiB; no node has it: memory is short on every one; the roomiest has 31 vCPU / 12 GiB free (node-0000)"
            + " (admission allocates vCPUs up to 4x a node's cores, memory up to 1x its memory)";
        const string pendingVm = "  w1               Stopped    -              1 vCPU  16384 MiB";

        var late = await Discovery("ve", "submit", shop, "--name", "alice/shop", "--wait", "--timeout", "2s", "--gateway", g);
        Assert.Equal(global::Discovery.Cli.ClusterConnection.StillPending, late.Exit);
        Assert.Equal([$"alice/shop: Pending ({reason})", pendingVm], Lines(late.Out));
        Assert.Equal([$"discovery: alice/shop still Pending after 2s: {reason}. The VE stays submitted; follow it with `discovery ve show alice/shop` or `discovery watch`, or delete it with `discovery ve delete alice/shop`"],
            Lines(late.Err));
        Assert.StartsWith("alice/shop: Pending (", (await Discovery("ve", "show", "alice/shop", "--gateway", g)).Out);

        var lateJson = await Discovery("ve", "submit", shop, "--name", "alice/json", "--wait", "--timeout", "1s", "--json", "--gateway", g);
        Assert.Equal(7, lateJson.Exit);
        Assert.Equal("Pending", JsonDocument.Parse(lateJson.Out).RootElement.GetProperty("state").GetString());
        Assert.Equal([$"alice/json: Pending ({reason.Replace("alice.shop", "alice.json")})",
            $"discovery: alice/json still Pending after 1s: {reason.Replace("alice.shop", "alice.json")}. The VE stays submitted; follow it with `discovery ve show alice/json` or `discovery watch`, or delete it with `discovery ve delete alice/json`"],
            Lines(lateJson.Err));
        Assert.Equal(0, (await Discovery("ve", "delete", "alice/shop", "--gateway", g)).Exit);
        Assert.Equal(0, (await Discovery("ve", "delete", "alice/json", "--gateway", g)).Exit);

        // Waiting while the hog goes: the VE as submitted, a line per change, the VE as it ended.
        using var waiting = Process.Start(Cli("ve", "submit", shop, "--name", "alice/web", "--wait", "--timeout", "60s", "--gateway", g))!;
        var (stdout, stderr) = (new List<string>(), waiting.StandardError.ReadToEndAsync());
        var reading = Task.Run(async () =>
        {
            while (await waiting.StandardOutput.ReadLineAsync() is { } line) lock (stdout) stdout.Add(line);
        });
        var printed = Stopwatch.StartNew();
        while (stdout.Count < 2 && printed.Elapsed < TimeSpan.FromSeconds(60) && !waiting.HasExited) await Task.Delay(50);
        Assert.Equal(0, (await Discovery("ve", "delete", "alice/hog", "--gateway", g)).Exit);
        await waiting.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await reading;
        Assert.Equal((0, ""), (waiting.ExitCode, await stderr));
        Assert.Equal([
            $"alice/web: Pending ({reason.Replace("alice.shop", "alice.web")})",
            pendingVm,
            "  [time]  w1 Running on node-0000",
            "  [time]  Running",
            "alice/web: Running",
            "  w1               Running    node-0000      1 vCPU  16384 MiB",
        ], Lines(string.Join("\n", stdout)));

        Assert.Equal((2, "", "discovery ve submit: --timeout applies to --wait: give both\n"), await Discovery("ve", "submit", shop, "--timeout", "5m", "--gateway", g));
        var bad = await Discovery("ve", "submit", shop, "--wait", "--timeout", "5x", "--gateway", g);
        Assert.Equal((2, "discovery: --timeout: '5x' is not a duration: write 30s, 5m, 1h, 1h30m, 7d or 00:05:00\n"), (bad.Exit, bad.Err.Split('\n')[0] + "\n"));
        silo.Process.Kill(entireProcessTree: true);
    }
}
