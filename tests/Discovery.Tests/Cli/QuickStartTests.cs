using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Cli;

/// <summary>
/// README's "Try it in one minute", read from README.md and run as written: the embedded default silo (the silo
/// executable, on free ports instead of the defaults), the VE text, then each <c>discovery</c> command as a process
/// of the CLI's build output, every step's output checked.
/// </summary>
[Collection(global::Discovery.Tests.Scheduling.DvmsCollection.Name)]
public sealed partial class QuickStartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("discovery-quickstart-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The section's fenced blocks, in order: (language, text).</summary>
    private static List<(string Language, string Text)> Blocks()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("\n## Try it in one minute\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has a 'Try it in one minute' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..end];
        return [.. Fence().Matches(section).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
    }

    [GeneratedRegex(@"```(\w*)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    /// <summary>A command line without its comment, as arguments after <c>discovery</c>.</summary>
    private static string[] Arguments(string line)
    {
        var words = line.Split('#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("discovery", words[0]);
        return words[1..];
    }

    private ProcessStartInfo Cli(int gateway, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DISCOVERY_CLUSTER"] = gateway.ToString(); // the README's silo is on the default port
        return start;
    }

    private async Task<(int Exit, string Out, string Err)> Run(int gateway, string[] args)
    {
        using var process = Process.Start(Cli(gateway, args))!;
        var (stdout, stderr) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>"  db1   Running   node-0012   2 vCPU ..." lines of a VE as the CLI prints it: VM name to (state, host).</summary>
    private static Dictionary<string, (string State, string Host)> Vms(string text) =>
        text.Split('\n').Where(l => VmLine().IsMatch(l)).Select(l => VmLine().Match(l))
            .ToDictionary(m => m.Groups[1].Value, m => (m.Groups[2].Value, m.Groups[3].Value));

    [GeneratedRegex(@"^  (\w+)\s+(\w+)\s+(node-\d{4}|-)\s+\d+ vCPU")]
    private static partial Regex VmLine();

    [Fact]
    public async Task The_readme_quick_start_runs_as_written_on_the_embedded_default()
    {
        var blocks = Blocks();
        Assert.Equal(["sh", "sh", "ve", "sh"], blocks.Select(b => b.Language));
        Assert.Equal("dotnet run --project Silo\n", blocks[0].Text);
        Assert.StartsWith("dotnet build Cli && alias discovery=", blocks[1].Text);
        File.WriteAllText(Path.Combine(_dir, "shop.ve"), blocks[2].Text);
        var commands = blocks[3].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Arguments).ToList();
        Assert.Equal(["ve submit", "ve show", "watch &", "fault node-crash"], commands.Select(c => string.Join(' ', c.Take(2)).Replace(" acme/shop", "")));

        // The embedded default, as `dotnet run --project Silo` starts it: only the ports differ.
        var (http, gateway) = (FreePort(), FreePort());
        using var silo = StartSilo($"--Discovery:Urls=http://127.0.0.1:{http}", $"--Discovery:SiloPort={FreePort()}", $"--Discovery:GatewayPort={gateway}");
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") }.WithToken();
        await PollUntilUp(web, "/healthz", silo.Process);

        // 1. Submitted on a cluster at the seed's load, every VM (2-vCPU ones included) runs at once.
        var submitted = await Run(gateway, commands[0]);
        Assert.Equal(0, submitted.Exit);
        var final = submitted.Out[submitted.Out.LastIndexOf("acme/shop: ", StringComparison.Ordinal)..];
        Assert.StartsWith("acme/shop: Running\n", final);
        string[] names = ["web1", "web2", "web3", "app1", "app2", "app3", "app4", "db1", "db2"];
        Assert.Equal(names.Select(n => (n, "Running")), Vms(final).Select(v => (v.Key, v.Value.State)));

        // 2. Shown with its constraints holding.
        var shown = await Run(gateway, commands[1]);
        Assert.Equal((0, ""), (shown.Exit, shown.Err));
        Assert.StartsWith("acme/shop: Running\n", shown.Out);
        var hosts = Vms(shown.Out).ToDictionary(v => v.Key, v => v.Value.Host);
        Assert.Equal(names, hosts.Keys);
        Assert.Equal(3, names[..3].Select(n => hosts[n]).Distinct().Count());
        Assert.Equal(4, names[3..7].Select(n => hosts[n]).Distinct().Count());
        Assert.Equal(2, names[7..].Select(n => hosts[n]).Distinct().Count());
        Assert.DoesNotContain("node-0000", names[7..].Select(n => hosts[n]));
        Assert.Equal(
        [
            "  constraint spread({acme.shop.web1, acme.shop.web2, acme.shop.web3})",
            "  constraint spread({acme.shop.app1, acme.shop.app2, acme.shop.app3, acme.shop.app4})",
            "  constraint spread({acme.shop.db1, acme.shop.db2})",
            "  constraint ban({acme.shop.db1, acme.shop.db2}, {node-0000})",
        ], shown.Out.Split('\n').Where(l => l.StartsWith("  constraint ", StringComparison.Ordinal)));

        // 3. watch, in the background: it says on stderr once it is subscribed, before anything is crashed.
        Assert.Equal("&", commands[2][^1]);
        using var watch = Process.Start(Cli(gateway, commands[2][..^1]))!;
        var subscribed = await watch.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("watching every VE and VM transition (Ctrl+C to stop)", subscribed);

        // 4. db1's node crashes (DVMS may have moved db1 since: the command finds its node now); watch shows db1 stopped
        // on it once it is marked down, then running on another node.
        var crashed = await Run(gateway, commands[3]);
        Assert.Equal(0, crashed.Exit);
        var dead = Regex.Match(crashed.Out, @"^(node-\d{4}) \(runs acme\.shop\.db1\): unreachable\n$").Groups[1].Value;
        Assert.NotEqual("", dead);
        var seen = new List<string>();
        string? back = null;
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            while (back is null && await watch.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                seen.Add(line);
                if (Regex.Match(line, @"^\S+ acme/shop/db1: Stopped -> Running on (node-\d{4}) \(placed and started\)$") is { Success: true } m) back = m.Groups[1].Value;
            }
        Assert.Contains(seen, l => Regex.IsMatch(l, $@"^\S+ acme/shop/db1: Running -> Stopped on {dead} \(node {dead} is down: placed again\)$"));
        Assert.NotNull(back);
        Assert.NotEqual(dead, back);
        Assert.NotEqual("node-0000", back); // the ban
        using (var interrupt = Process.Start(new ProcessStartInfo("kill", $"-INT {watch.Id}") { UseShellExecute = false })!) await interrupt.WaitForExitAsync();
        await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(130, watch.ExitCode); // interrupted, as Unix commands report SIGINT

        // 5. The page, and the VE as the page's API shows it.
        var page = await web.GetStringAsync("/");
        Assert.Contains("<title>Discovery</title>", page);
        using var ve = JsonDocument.Parse(await web.GetStringAsync("/api/ves/acme/shop"));
        Assert.Equal("Running", ve.RootElement.GetProperty("state").GetString());
        var db1 = ve.RootElement.GetProperty("vms").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "db1");
        Assert.Equal("Running", db1.GetProperty("state").GetString());
        Assert.NotEqual(dead, db1.GetProperty("host").GetString()); // where DVMS keeps it now: not necessarily where it came back
        Assert.Equal("75%", db1.GetProperty("cpu").GetString());
        silo.Process.Kill(entireProcessTree: true);
    }
}
