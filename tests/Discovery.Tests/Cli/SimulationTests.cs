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
        // The run is driven by the wall clock at speedup 10: how many events and migrations DVMS sees varies from run to run,
        // and the mean load is sampled in wall time; only the seeded load changes below are an exact figure.
        Assert.True(dvms.Events > 0 && dvms.Resolved > 0, $"{dvms.Events} events, {dvms.Resolved} resolved");
        Assert.True(dvms.Migrations > 0);
        Assert.Equal(0, none.Events);
        Assert.Equal(0, none.Migrations);
        Assert.Equal((65L, 65L), (dvms.LoadChanges, none.LoadChanges)); // the seeded workload, whatever the scheduler does
        Assert.InRange(none.MeanLoad, 0.7, 1.0);
        Assert.Equal(16, dvms.ViolationPerNode.Count);
        Assert.NotEmpty(dvms.Series);

        var report = new SimulationReport(16, 160, 120, 10, 2, 42, [dvms, none]);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, Discovery.Cli.Bench.SolverBenchmark.Json));
        var first = json.RootElement.GetProperty("results")[0];
        foreach (var key in new[] { "scheduler", "violationSeconds", "meanLoad", "events", "resolved", "resolutionP50Ms", "resolutionP99Ms",
                     "migrations", "solverP50Ms", "maxPartition", "stuckReservations", "wallSeconds", "reOverloads", "cpuSeconds",
                     "monitoringCpuSeconds", "solverCpuSeconds", "wakesPerNodeSecond", "pressures", "relieved", "overloads" })
            Assert.True(first.TryGetProperty(key, out _), $"results[0].{key} missing");
        foreach (var key in new[] { "nodes", "vms", "duration", "speedup" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), $"{key} missing");

        var html = HtmlReport.Render(report);
        foreach (var chart in new[] { "Cumulated violation time", "Violation time per node", "Cluster CPU load", "Resolution time distribution", "Partition sizes",
                     "Partition timeline of dvms" })
            Assert.Contains(chart, html);
        Assert.Equal(dvms.Events + dvms.Pressures, dvms.Timeline.Count); // every partition in the timeline, pressures included
        Assert.Empty(none.Timeline);
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

    [Fact]
    public void The_silos_option_needs_whole_sites_and_the_schedulers_that_run_on_several_silos()
    {
        SimulationSettings Parse(int silos, string schedulers, out List<string> problems) =>
            SimulationSettings.FromOptions(nodes: 16, vms: 160, sites: 4, durationSeconds: 60, speedup: 10, schedulers: schedulers, seed: 7, out problems, silos: silos);
        Assert.Equal(4, Parse(4, "dvms,none", out var ok).Silos);
        Assert.Empty(ok);
        Parse(5, "dvms", out var tooMany);
        Assert.Equal(["--silos: within 1..4 (the number of --sites: each silo drives whole sites), got 5"], tooMany);
        Parse(2, "dvms,hierarchical", out var baseline);
        Assert.Equal(["--silos: above 1, only dvms and none run (the centralized and hierarchical baselines are single-silo), got 2 with --schedulers dvms,hierarchical"], baseline);
    }

    [Fact]
    public void The_headroom_option_takes_a_load_or_none_and_names_itself_when_wrong()
    {
        SimulationSettings Parse(string headroom, out List<string> problems) =>
            SimulationSettings.FromOptions(nodes: 16, vms: 160, sites: 2, durationSeconds: 60, speedup: 10, schedulers: "dvms", seed: 7, out problems, headroom);
        Assert.Equal(0.85, Parse("0.85", out var ok).HeadroomTarget);
        Assert.Empty(ok);
        Assert.Null(Parse("none", out _).HeadroomTarget);
        Parse("1.5", out var bad);
        Assert.Equal(["--headroom: a CPU load within (0, 1] such as 0.9, or 'none' (or 0), got '1.5'"], bad);
        Assert.Null(Parse("0", out _).HeadroomTarget);
        Assert.Equal(0.9, new SimulationSettings().HeadroomTarget);
    }

    [Fact]
    public void The_pressure_option_takes_a_load_above_the_headroom_or_none_and_names_itself_when_wrong()
    {
        SimulationSettings Parse(string? headroom, string? pressure, out List<string> problems) =>
            SimulationSettings.FromOptions(nodes: 16, vms: 160, sites: 2, durationSeconds: 60, speedup: 10, schedulers: "dvms", seed: 7, out problems, headroom, pressure: pressure);
        Assert.Equal(0.93, new SimulationSettings().PressureThreshold);
        Assert.Equal(0.95, Parse(null, "0.95", out var ok).PressureThreshold);
        Assert.Empty(ok);
        Assert.Null(Parse(null, "none", out _).PressureThreshold);
        Parse(null, "0.9", out var atTarget);
        Assert.Equal(["--pressure: must be above --headroom (0.9) so that a relieved node lands under it, got 0.9"], atTarget);
        Parse("none", "0.95", out var noTarget);
        Assert.Equal(["--pressure: needs a headroom target to bring nodes down to (--headroom is none)"], noTarget);
        Parse(null, "2", out var bad);
        Assert.Equal(["--pressure: a CPU load within (0, 1] such as 0.9, or 'none' (or 0), got '2'"], bad);
        Assert.Null(Parse("0.97", null, out var quiet).PressureThreshold); // the default gives way to a higher headroom target
        Assert.Empty(quiet);
    }

    [Fact]
    public void The_timeline_window_starts_past_the_start_up_and_holds_at_most_its_share_of_partitions()
    {
        // 3,000 partitions, one every 0.2 s from 0 to 600 s: the window opens at 60 s (a tenth of the run) and
        // closes where the 1,500th partition from there starts (60 + 1,499 x 0.2 = 359.8 s).
        var spans = Enumerable.Range(0, 3000).Select(i => new PartitionSpan(i * 0.2, i * 0.2 + 9, ["n"], "Solved")).ToList();
        var (from, to) = HtmlReport.TimelineWindow(spans);
        Assert.Equal(60, from);
        Assert.Equal(359.8, to, 6);
        // Few partitions: the window runs to the end, 600 s at most.
        var (from2, to2) = HtmlReport.TimelineWindow([new PartitionSpan(5, 20, ["n"], "Solved"), new PartitionSpan(900, 1200, ["n"], "GaveUp")]);
        Assert.Equal((120.0, 720.0), (from2, to2));
    }
}
