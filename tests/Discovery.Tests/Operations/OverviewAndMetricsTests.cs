using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Discovery.Model;
using Discovery.Overlay;
using Discovery.Tests.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Discovery.Tests.Support;

namespace Discovery.Tests.Operations;

/// <summary>The overview, the partitions in progress and /metrics while DVMS solves one overload, on a real silo.</summary>
[Collection(DvmsCollection.Name)]
public sealed partial class OverviewAndMetricsTests
{
    private static async Task<JsonElement> Get(HttpClient http, string path) => JsonDocument.Parse(await http.GetStringAsync(path)).RootElement;

    [Fact]
    public async Task An_overload_shows_as_a_partition_in_progress_then_in_the_counters_and_the_metrics()
    {
        // Speedup 1: the two 1 GiB migrations take 8.4 s, long enough to see the partition hold its nodes.
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=4", "Simulated:LoadInjector=false", "Scheduling:HeadroomTarget=0"); // the expected moves are the least-memory plan: no headroom target
        var before = await Get(silo.Http, "/api/overview");
        Assert.Equal("""{"detected":0,"solved":0,"givenUp":0,"vanished":0,"inProgress":0,"migrations":0,"violationSeconds":0}""",
            before.GetProperty("counters").GetRawText());
        Assert.Equal("[]", before.GetProperty("partitions").GetRawText());

        using var sse = new HttpClient { BaseAddress = silo.Address, Timeout = Timeout.InfiniteTimeSpan }.WithToken();
        using var stream = await sse.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(SiloProcess.StartTimeout);
        Assert.Equal("event: subscribed", await reader.ReadLineAsync(timeout.Token));

        await OneOverload.StartAsync(silo, "node-0001");
        JsonElement during = default;
        await InProcessSilo.WaitUntil(async () => (during = await Get(silo.Http, "/api/overview")).GetProperty("partitions").GetArrayLength() > 0,
            "a partition in progress");
        var partitions = await Get(silo.Http, "/api/partitions");
        var partition = Assert.Single(partitions.EnumerateArray());
        Assert.Equal("node-0001", partition.GetProperty("leader").GetString());
        Assert.EndsWith("-node-0001", partition.GetProperty("id").GetString());
        Assert.Contains("node-0001", partition.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(partition.GetRawText(), Assert.Single(during.GetProperty("partitions").EnumerateArray()).GetRawText());

        Assert.Equal(1, during.GetProperty("counters").GetProperty("inProgress").GetInt32());
        var nodes = during.GetProperty("nodes");
        var index = nodes.GetProperty("name").EnumerateArray().Select(n => n.GetString()).ToList().IndexOf("node-0001");
        Assert.Equal(1 | 16, nodes.GetProperty("state")[index].GetInt32()); // overloaded and reserved
        Assert.Equal(0, nodes.GetProperty("partition")[index].GetInt32());
        Assert.Equal(1.25, nodes.GetProperty("cpu")[index].GetDouble());

        JsonElement counters = default;
        await InProcessSilo.WaitUntil(async () => (counters = (await Get(silo.Http, "/api/overview")).GetProperty("counters")) is var k
                && k.GetProperty("solved").GetInt32() == 1 && k.GetProperty("inProgress").GetInt32() == 0,
            "the overload to be solved and its nodes released");
        Assert.Equal((1, 1, 0, 0, 0, 2), (counters.GetProperty("detected").GetInt32(), counters.GetProperty("solved").GetInt32(), counters.GetProperty("givenUp").GetInt32(),
            counters.GetProperty("vanished").GetInt32(), counters.GetProperty("inProgress").GetInt32(), counters.GetProperty("migrations").GetInt32()));
        Assert.True(counters.GetProperty("violationSeconds").GetDouble() > 0, "the overload lasted: violation is counted");
        var after = await Get(silo.Http, "/api/overview");
        var events = after.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("partition", events[0].GetProperty("type").GetString());
        Assert.Contains("Overload on node-0001: Solved with 2 node(s), 2 migration(s)", events[0].GetProperty("text").GetString());

        // The same partition over server-sent events, with its moves: two VMs off node-0001.
        string? line;
        var read = new List<string?>();
        try { while ((line = await reader.ReadLineAsync(timeout.Token)) != "event: partition") { read.Add(line); Assert.NotNull(line); } }
        catch (OperationCanceledException) { Assert.Fail("the stream gave only: " + string.Join(" / ", read)); }
        var ended = JsonDocument.Parse((await reader.ReadLineAsync(timeout.Token))!["data: ".Length..]).RootElement;
        Assert.Equal(("node-0001", "Overload", "Solved", 2, 2), (ended.GetProperty("node").GetString(), ended.GetProperty("kind").GetString(),
            ended.GetProperty("outcome").GetString(), ended.GetProperty("nodeCount").GetInt32(), ended.GetProperty("migrations").GetInt32()));
        var moves = ended.GetProperty("moves").EnumerateArray().ToList();
        Assert.Equal(["node-0001", "node-0001"], moves.Select(m => m.GetProperty("from").GetString()));
        Assert.Equal(1024 * 2, moves.Sum(m => m.GetProperty("memoryMiB").GetInt32()));

        var metrics = Parse(await silo.Http.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics["discovery_events_detected_total{otel_scope_name=\"Discovery.Scheduling\",kind=\"Overload\"}"]);
        Assert.Equal(1, metrics["discovery_events_solved_total{otel_scope_name=\"Discovery.Scheduling\"}"]);
        Assert.Equal(2, metrics["discovery_migrations_total{otel_scope_name=\"Discovery.Scheduling\"}"]);
        Assert.Equal(1, metrics["discovery_partition_size_count{otel_scope_name=\"Discovery.Scheduling\"}"]);
        Assert.Equal(0, metrics["discovery_simulation_overloaded_nodes{otel_scope_name=\"Discovery.Simulation\"}"]);
        Assert.Contains(metrics.Keys, k => k.StartsWith("orleans_catalog_activations", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_whose_grain_cannot_answer_shows_unreachable_instead_of_failing_the_view()
    {
        await using var silo = await InProcessSilo.StartAsync("Simulated:Nodes=2", "Simulated:LoadInjector=false", "Scheduling:HeadroomTarget=0"); // the expected moves are the least-memory plan: no headroom target
        // A node the directory knows but no silo drives: what is left of a silo that died with its PoP.
        await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<INodeDirectoryGrain>(0).AnnounceAsync([new NodeAnnouncement("node-ghost", "site-09", new Resources(800, 32768))]);

        var nodes = (await Get(silo.Http, "/api/nodes")).EnumerateArray().ToList();
        Assert.Equal(["node-0000", "node-0001", "node-ghost"], nodes.Select(n => n.GetProperty("node").GetString()));
        Assert.Equal((true, JsonValueKind.Null), (nodes[2].GetProperty("unreachable").GetBoolean(), nodes[2].GetProperty("site").ValueKind));
        Assert.False(nodes[0].GetProperty("unreachable").GetBoolean());
        var overview = await Get(silo.Http, "/api/overview");
        Assert.Equal("[0,0,8]", overview.GetProperty("nodes").GetProperty("state").GetRawText());
        Assert.Equal("""["site-00","unknown"]""", overview.GetProperty("sites").GetRawText());
    }

    /// <summary>
    /// Prometheus' text format, strictly: comment lines are <c># HELP</c> / <c># TYPE</c> (with a known type) or
    /// <c># EOF</c>, every sample is <c>name{labels} value</c>; fails on any other line. Returns each series' value.
    /// </summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(Comment(), line);
                continue;
            }
            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample: {line}");
            var value = match.Groups["value"].Value;
            samples[match.Groups["series"].Value] = value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            };
        }
        return samples;
    }

    [GeneratedRegex("""^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)|EOF)$""")]
    private static partial Regex Comment();

    [GeneratedRegex("""^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?) (?<value>[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|Inf|NaN)|\+Inf|-Inf)( -?\d+)?$""")]
    private static partial Regex Sample();
}
