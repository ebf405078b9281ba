using System.Net.Http.Json;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Discovery.Tests.Operations;

/// <summary>The operator page in a real browser (Debian's chromium, headless, driven by Playwright) against an in-process silo.</summary>
[Collection(DvmsCollection.Name)]
public sealed class OperatorPageBrowserTests(ITestOutputHelper output)
{
    /// <summary>Where the screenshots are kept: the test output folder's <c>artifacts</c>.</summary>
    public static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");

    [SkippableFact]
    public async Task The_page_draws_every_node_an_overload_the_partition_solving_it_and_the_counters()
    {
        Requires.Chromium();
        // Speedup 1: the partition holds its nodes for the 8.4 s of its two migrations, long enough for 1 s polling to draw it.
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=16", "Simulated:Sites=2", "Simulated:LoadInjector=false", "Scheduling:HeadroomTarget=0"); // the expected moves are the least-memory plan: no headroom target
        var ve = await silo.Http.PostAsJsonAsync("/api/ves/acme/web", new
        {
            vms = new[] { new { name = "front", vCpus = 1, memoryMiB = 512 } },
            constraints = new[] { new { type = "ban", vms = new[] { "front" }, nodes = new[] { "node-0001" } } }, // not among the VMs to move
        });
        Assert.True(ve.IsSuccessStatusCode, await ve.Content.ReadAsStringAsync());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Requires.ChromiumPath, Headless = true, Args = Discovery.Cli.Bench.PageBenchmark.ChromiumFlags });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); }; // the page logs render failures there
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        await page.GotoAsync(silo.Address + "#token=" + Uri.EscapeDataString(TestSecurity.Operator));
        await page.WaitForSelectorAsync("body[data-ready='true']");

        var canvas = page.Locator("canvas#nodes");
        Assert.Equal("16", await canvas.GetAttributeAsync("data-nodes"));
        Assert.Equal("0", await canvas.GetAttributeAsync("data-partitions"));
        Assert.Equal("none", await page.Locator("#partitions li").InnerTextAsync());
        Assert.Equal(["acme/web Running"], (await page.Locator("table#ves tbody tr").AllInnerTextsAsync()).Select(Squash));

        await OneOverload.StartAsync(silo, "node-0001");
        await page.WaitForFunctionAsync("() => document.querySelector('canvas#nodes').dataset.partitions === '1'", null, new() { Timeout = 60_000 });
        var partition = Squash(await page.Locator("#partitions li").InnerTextAsync());
        Assert.StartsWith("leader node-0001 · ", partition);
        Assert.Equal("1", await canvas.GetAttributeAsync("data-overloaded"));
        Assert.Equal("1", await page.Locator("#counter-in-progress").InnerTextAsync());
        Directory.CreateDirectory(Artifacts);
        var during = Path.Combine(Artifacts, "operator-page-partition.png");
        await page.ScreenshotAsync(new() { Path = during, FullPage = true });
        output.WriteLine($"screenshot: {during}");

        await page.WaitForFunctionAsync("() => document.querySelector('#counter-solved').textContent === '1'", null, new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('canvas#nodes').dataset.partitions === '0'", null, new() { Timeout = 10_000 });
        Assert.Equal(("1", "1", "0", "0", "0", "2"), (
            await page.Locator("#counter-detected").InnerTextAsync(), await page.Locator("#counter-solved").InnerTextAsync(),
            await page.Locator("#counter-given-up").InnerTextAsync(), await page.Locator("#counter-vanished").InnerTextAsync(),
            await page.Locator("#counter-in-progress").InnerTextAsync(), await page.Locator("#counter-migrations").InnerTextAsync()));
        // Cells come from each node's last monitoring read: node-0001 turns green at its first read after the migrations.
        await page.WaitForFunctionAsync("() => document.querySelector('canvas#nodes').dataset.overloaded === '0'", null, new() { Timeout = 10_000 });
        Assert.True(double.Parse(await page.Locator("#counter-violation").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var feed = await page.Locator("ol#events li.partition").First.InnerTextAsync();
        Assert.Contains("Overload on node-0001: Solved with 2 node(s), 2 migration(s)", feed);
        Assert.Equal(2, feed.Split("node-0001→").Length - 1); // both moves listed
        var after = Path.Combine(Artifacts, "operator-page-solved.png");
        await page.ScreenshotAsync(new() { Path = after, FullPage = true });
        output.WriteLine($"screenshot: {after}");
        Assert.Empty(errors);
        // Everything the page loaded came from the silo itself.
        Assert.DoesNotContain(requests, u => !u.StartsWith(silo.Address.ToString(), StringComparison.Ordinal));
        Assert.Equal(["/", "/api/overview", "/app.css", "/app.js"],
            requests.Select(u => new Uri(u).AbsolutePath).Where(p => p != "/favicon.svg").Distinct().Order(StringComparer.Ordinal)); // headless may skip the icon
    }

    private static string Squash(string text) => string.Join(' ', text.Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
}
