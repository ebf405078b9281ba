using System.Collections.Immutable;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Scheduling;
using Discovery.Silo.Configuration;
using Discovery.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Scheduling;

/// <summary>
/// Each scheduling option an operator writes (<c>Discovery:Scheduling:*</c>) reaches what it governs: the cross-site weight,
/// the headroom target and the pressure threshold the <see cref="SolverOptions"/> that a partition and the central loop
/// send to the solver grain (recorded as sent), the size cap a partition's growth. None of the figures is a default.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class SchedulingOptionsReachTheSolverTests
{
    private static readonly (string Key, string Value)[] Keys =
    [
        ("Discovery:Scheduling:CrossSiteWeight", "3"), ("Discovery:Scheduling:HeadroomTarget", "0.8"),
        ("Discovery:Scheduling:PressureThreshold", "0.85"), ("Discovery:Scheduling:MaxPartitionSize", "3"),
    ];

    /// <summary>The options the silo builds from <see cref="Keys"/> and <paramref name="more"/>, as <c>Program</c> reads them.</summary>
    private static DvmsOptions Configured(params (string Key, string Value)[] more)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Keys.Concat(more).Select(k => new KeyValuePair<string, string?>(k.Key, k.Value))).Build();
        var settings = DiscoveryConfiguration.Load(configuration, out var problems);
        Assert.Empty(problems);
        return settings.Scheduling.ToDvmsOptions();
    }

    /// <summary>What the configuration asks of every solve, at speedup 2 (a 2 s limit is 1 s of wall time).</summary>
    private static SolverOptions Expected(int workers) =>
        new(TimeSpan.FromSeconds(1), Workers: workers, Headroom: 0.8, CrossSiteWeight: 3, Pressure: 0.85);

    // n0 asks for 800 of its 400; the four others sit at 340 (85 %: at the pressure threshold, not above it) and
    // take 60 each at most: no partition, of any size, has a plan, so one grows to its cap and gives up.
    private static int[][] Hopeless => [Vms(8, 100), .. Enumerable.Range(0, 4).Select(_ => new[] { 100, 100, 100, 40 })];

    [Fact]
    public async Task The_silo_binds_each_scheduling_key_into_the_options_its_grains_receive()
    {
        await using var silo = await InProcessSilo.StartAsync(
            ["Simulated:Nodes=2", "Simulated:LoadInjector=false", "Scheduling:Enabled=false", .. Keys.Select(k => $"{k.Key["Discovery:".Length..]}={k.Value}")]);
        var options = silo.Services.GetRequiredService<DvmsOptions>();
        Assert.Equal((3.0, (double?)0.8, (double?)0.85, 3), (options.CrossSiteWeight, options.HeadroomTarget, options.PressureThreshold, options.MaxPartitionSize));
        Assert.Equal(Expected(workers: 1), options.SolverOptionsFor(TimeSpan.FromSeconds(1), options.SolverWorkers));
    }

    [Fact]
    public async Task A_partition_solves_with_the_configured_weight_headroom_and_pressure_and_grows_to_the_configured_cap()
    {
        var calls = new SolverCalls();
        var options = Configured();
        await using var c = await DvmsCluster.StartAsync(Hopeless, options, headroom: options.HeadroomTarget, configure: calls.AddTo);
        await c.WaitUntilAsync(() => c.Journal.Reports.Any(r => r.Event.Node == "n0"), "n0's first partition ends");

        var first = c.Journal.Reports.First(r => r.Event.Node == "n0");
        Assert.Equal((EventKind.Overload, PartitionOutcome.GaveUp, "no solution within the partition size cap of 3 nodes (MaxPartitionSize)"),
            (first.Event.Kind, first.Outcome, first.Detail));
        var solves = calls.Naming("n0");
        Assert.Equal([Expected(workers: 1)], solves.Select(s => s.Options).Distinct());
        Assert.Equal(3, solves.Max(s => s.Problem.Nodes.Length));
    }

    [Fact]
    public async Task The_central_loop_solves_with_the_configured_weight_headroom_and_pressure()
    {
        var calls = new SolverCalls();
        var options = Configured(("Discovery:Scheduling:Enabled", "false"));
        await using var c = await DvmsCluster.StartAsync(Hopeless, options, headroom: options.HeadroomTarget, configure: calls.AddTo);
        var central = c.Grains.GetGrain<ICentralSchedulerGrain>("site");
        await central.RunAsync([.. Enumerable.Range(0, 5).Select(n => $"n{n}")], TimeSpan.FromSeconds(2));
        await c.WaitUntilAsync(() => c.Journal.Reports.Any(r => r.Event.Node == "n0"), "a central round ends");
        await central.StopAsync();

        var round = c.Journal.Reports.First(r => r.Event.Node == "n0");
        Assert.Equal((EventKind.Overload, PartitionOutcome.GaveUp, 5), (round.Event.Kind, round.Outcome, round.Nodes.Length));
        var solves = calls.Naming("n0");
        Assert.Equal([Expected(workers: 2)], solves.Select(s => s.Options).Distinct());
        Assert.Equal([5], solves.Select(s => s.Problem.Nodes.Length).Distinct());
    }
}
