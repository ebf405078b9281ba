using System.Text.Json;
using Discovery.Cli.Simulation;
using Discovery.Tests.Scheduling;

namespace Discovery.Tests.Cli;

/// <summary><c>discovery simulate</c> end to end on a small infrastructure (figures are benchmarks, not asserted on time).</summary>
[Collection(DvmsCollection.Name)]
public sealed class SimulationTests
{
    [Fact]
    public async Task Dvms_and_none_run_on_the_same_workload_and_leave_nothing_reserved()
    {
        var settings = new SimulationSettings
        {
            Infrastructure = new() { Nodes = 16, VmsPerNode = 10, Sites = 2, Speedup = 10 },
            DurationSeconds = 120, Schedulers = [SchedulerKind.Dvms, SchedulerKind.None], DrainSeconds = 60,
        };
        var dvms = await SimulationRunner.RunAsync(settings, SchedulerKind.Dvms);
        var none = await SimulationRunner.RunAsync(settings, SchedulerKind.None);

        Assert.Equal(0, dvms.StuckReservations);
        Assert.True(dvms.Events > 0 && dvms.Resolved > 0, $"{dvms.Events} events, {dvms.Resolved} resolved");
        Assert.True(dvms.Migrations > 0);
        Assert.Equal(0, none.Events);
        Assert.Equal(0, none.Migrations);
        Assert.Equal(none.LoadChanges > 0, dvms.LoadChanges > 0);
        Assert.InRange(none.MeanLoad, 0.7, 1.0);
        Assert.Equal(16, dvms.ViolationPerNode.Count);
        Assert.NotEmpty(dvms.Series);

        var report = new SimulationReport(16, 160, 120, 10, 2, 42, [dvms, none]);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, Discovery.Cli.Bench.SolverBenchmark.Json));
        var first = json.RootElement.GetProperty("results")[0];
        foreach (var key in new[] { "scheduler", "violationSeconds", "meanLoad", "events", "resolved", "resolutionP50Ms", "resolutionP99Ms",
                     "migrations", "solverP50Ms", "maxPartition", "stuckReservations", "wallSeconds" })
            Assert.True(first.TryGetProperty(key, out _), $"results[0].{key} missing");
        foreach (var key in new[] { "nodes", "vms", "duration", "speedup" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), $"{key} missing");

        var html = HtmlReport.Render(report);
        foreach (var chart in new[] { "Cumulated violation time", "Violation time per node", "Cluster CPU load", "Resolution time distribution", "Partition sizes" })
            Assert.Contains(chart, html);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void Bad_settings_name_the_option()
    {
        SimulationSettings.FromOptions(nodes: 10, vms: 15, sites: 20, durationSeconds: 600, speedup: 10, schedulers: "dvms,magic", seed: 42, out var problems);
        Assert.Contains(problems, p => p.StartsWith("--vms: must be a multiple of --nodes"));
        Assert.Contains(problems, p => p.StartsWith("--sites: within 1..10"));
        Assert.Contains(problems, p => p.StartsWith("--schedulers: unknown scheduler 'magic'"));
    }

    [Fact]
    public void Schedulers_parse_in_order_and_keep_their_lowercase_names()
    {
        var settings = SimulationSettings.FromOptions(nodes: 16, vms: 160, sites: 2, durationSeconds: 60, speedup: 10,
            schedulers: " DVMS, hierarchical,none ,centralized", seed: 7, out var problems);
        Assert.Empty(problems);
        Assert.Equal([SchedulerKind.Dvms, SchedulerKind.Hierarchical, SchedulerKind.None, SchedulerKind.Centralized], settings.Schedulers);
        Assert.Equal(["dvms", "hierarchical", "none", "centralized"], settings.Schedulers.Select(SchedulerKinds.Name));
        Assert.Equal((16, 10, 2, 10.0, 7), (settings.Infrastructure.Nodes, settings.Infrastructure.VmsPerNode, settings.Infrastructure.Sites,
            settings.Infrastructure.Speedup, settings.Infrastructure.Seed));
        Assert.Equal(160, settings.Vms);
    }
}
