using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Discovery.Cli.Bench;

/// <summary>What <c>discovery bench page</c> measures: the operator page's own draw time and the browser's frame intervals while it polls.</summary>
public sealed record PageBenchmarkReport(
    string Url, int Nodes, int Partitions, int Draws, double DrawP50Ms, double DrawP95Ms, double DrawMaxMs,
    int Frames, double FrameP50Ms, double FrameP95Ms, double FrameMaxMs, long OverviewBytes, double OverviewFetchP50Ms, double Seconds);

/// <summary>
/// Loads the operator page of a running silo in Debian's chromium (headless, through Playwright), lets it poll for a while and
/// reads what the page measured: each canvas draw (<c>window.discoveryStats.drawMs</c>) and every animation frame interval.
/// </summary>
public static class PageBenchmark
{
    /// <summary>Chromium as root in a sandbox without network: no sandbox, no GPU, nothing that calls home.</summary>
    public static readonly string[] ChromiumFlags =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    // Counts every animation frame from now on: a frozen page shows as long intervals.
    private const string CountFrames = """
        () => { window.__frames = []; let last = performance.now();
                const tick = t => { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
                requestAnimationFrame(tick); }
        """;

    public static async Task<PageBenchmarkReport> RunAsync(Uri url, string chromium, TimeSpan duration, int width, int height, string? screenshot,
        Action<long, long, string> progress, CancellationToken cancellationToken)
    {
        var (bytes, fetchMs) = await FetchOverviewAsync(url, cancellationToken);
        var total = (long)duration.TotalSeconds;
        progress(0, total, $"/api/overview: {bytes / 1024.0:0} KiB, fetched in {fetchMs:0} ms (p50 of 5); loading the page");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumFlags });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        // The page keeps a token given in the address's fragment ($DISCOVERY_TOKEN or the embedded default's operator token).
        var fragment = Discovery.Security.DiscoveryHome.FindToken() is { } pageToken ? "#token=" + Uri.EscapeDataString(pageToken) : "";
        await page.GotoAsync(url + fragment);
        await page.WaitForSelectorAsync("body[data-ready='true']", new() { Timeout = 120_000 });
        progress(0, total, "page ready; measuring");
        await page.EvaluateAsync(CountFrames);
        var started = Stopwatch.StartNew();
        while (started.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            progress(Math.Min(total, (long)started.Elapsed.TotalSeconds), total, "seconds measured");
        }
        var draws = await page.EvaluateAsync<double[]>("() => window.discoveryStats.drawMs");
        var drawCount = await page.EvaluateAsync<int>("() => window.discoveryStats.draws");
        var frames = await page.EvaluateAsync<double[]>("() => window.__frames");
        var canvas = page.Locator("canvas#nodes");
        var nodes = int.Parse(await canvas.GetAttributeAsync("data-nodes") ?? "0");
        var partitions = int.Parse(await canvas.GetAttributeAsync("data-partitions") ?? "0");
        if (screenshot is not null) await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });

        return new PageBenchmarkReport(url.ToString(), nodes, partitions, drawCount, Percentile(draws, 0.5), Percentile(draws, 0.95), draws.DefaultIfEmpty().Max(),
            frames.Length, Percentile(frames, 0.5), Percentile(frames, 0.95), frames.DefaultIfEmpty().Max(), bytes, fetchMs, started.Elapsed.TotalSeconds);
    }

    private static async Task<(long Bytes, double P50Ms)> FetchOverviewAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(1) };
        if (Discovery.Security.DiscoveryHome.FindToken() is { } token) http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var body = await http.GetByteArrayAsync("api/overview", cancellationToken);
            times.Add(watch.Elapsed.TotalMilliseconds);
            bytes = body.Length;
            using var _ = JsonDocument.Parse(body); // it must be JSON
            await Task.Delay(1000, cancellationToken); // past the silo's cache: each fetch is a fresh build
        }
        return (bytes, Percentile([.. times], 0.5));
    }

    private static double Percentile(double[] values, double q) => Images.Percentiles.NearestRank([.. values.Order()], q);
}
