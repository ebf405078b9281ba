using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Discovery.Cli.Simulation;

/// <summary>
/// Runs one scheduler over a fresh simulated datacentre in an in-process silo. The ground truth
/// (violation time, load) comes from the simulated hypervisor; scheduler figures from the plan journal.
/// </summary>
public static class SimulationRunner
{
    public static async Task<SchedulerResult> RunAsync(SimulationSettings settings, SchedulerKind scheduler,
        Action<double, double, string>? progress = null, CancellationToken cancellationToken = default)
    {
        var wall = Stopwatch.StartNew();
        var infrastructure = settings.Infrastructure;
        var (clock, datacenter, directory) = Build(infrastructure);
        var journal = new PlanJournal(capacity: 1_000_000);
        var options = new DvmsOptions
        {
            Enabled = scheduler == SchedulerKind.Dvms,
            SolverTimeLimit = TimeSpan.FromSeconds(settings.PartitionTimeLimitSeconds),
            HeadroomTarget = settings.HeadroomTarget,
        };

        using var host = scheduler == SchedulerKind.None ? null : await StartSiloAsync(directory, datacenter, journal, clock, options);
        var grains = host?.Services.GetRequiredService<IGrainFactory>();
        if (infrastructure.LoadInjector) datacenter.StartLoadInjection(Hypervisors.Simulated.LoadLaw.Seed, infrastructure.Seed);
        var start = datacenter.GetTotals().At;
        var cpuAccount = host?.Services.GetRequiredService<Diagnostics.CpuAccount>();
        var pass = host?.Services.GetRequiredService<Monitoring.MonitoringPass>();
        var (cpuAtStart, monitoringAtStart, solverAtStart, wakesAtStart) = (Process.GetCurrentProcess().TotalProcessorTime,
            cpuAccount?.Monitoring ?? TimeSpan.Zero, cpuAccount?.Solver ?? TimeSpan.Zero, pass?.Wakes ?? 0);

        var centralScopes = new List<ICentralSchedulerGrain>();
        if (grains is not null && scheduler is SchedulerKind.Centralized or SchedulerKind.Hierarchical)
        {
            var scopes = scheduler == SchedulerKind.Centralized
                ? [("all", directory.Nodes.ToImmutableArray())]
                : directory.Nodes.GroupBy(directory.SiteOf).Select(g => (g.Key, g.ToImmutableArray())).ToList();
            foreach (var (scope, nodes) in scopes)
            {
                var grain = grains.GetGrain<ICentralSchedulerGrain>(scope);
                // The Entropy baseline of VMPlaceS: nodes / 8 seconds per solve.
                await grain.RunAsync(nodes, TimeSpan.FromSeconds(Math.Max(1, nodes.Length / 8.0)));
                centralScopes.Add(grain);
            }
        }

        var samples = new List<SimulationSample>();
        var sampleEvery = TimeSpan.FromSeconds(Math.Max(1, settings.DurationSeconds / 300));
        var end = start + TimeSpan.FromSeconds(settings.DurationSeconds);
        while (true)
        {
            var totals = datacenter.GetTotals();
            var t = (totals.At - start).TotalSeconds;
            samples.Add(new SimulationSample(Math.Round(t, 3), totals.ViolationSeconds, totals.MeanCpuLoad, totals.OverloadedNodes));
            progress?.Invoke(Math.Min(t, settings.DurationSeconds), settings.DurationSeconds,
                $"{scheduler.Name()}: violation {totals.ViolationSeconds:0} s, {journal.Reports.Count} events, {totals.MigrationsCompleted} migrations");
            if (totals.At >= end) break;
            var wait = clock.ToWall(Min(sampleEvery, end - totals.At));
            await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), cancellationToken);
        }
        var final = datacenter.GetTotals();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
        var monitoringSeconds = ((cpuAccount?.Monitoring ?? TimeSpan.Zero) - monitoringAtStart).TotalSeconds;
        var solverSeconds = ((cpuAccount?.Solver ?? TimeSpan.Zero) - solverAtStart).TotalSeconds;
        var wakes = (pass?.Wakes ?? 0) - wakesAtStart;

        // Stop scheduling, let running partitions finish, then count what is still reserved.
        var stuck = 0;
        if (host is not null)
        {
            await grains!.GetGrain<ISchedulingControlGrain>(0).PauseAsync();
            foreach (var g in centralScopes) await g.StopAsync();
            var drainUntil = Stopwatch.StartNew();
            var drain = clock.ToWall(TimeSpan.FromSeconds(settings.DrainSeconds));
            while (true)
            {
                stuck = await CountReservationsAsync(grains!, directory);
                var centralBusy = false;
                foreach (var g in centralScopes) centralBusy |= await g.IsRunningAsync();
                if ((stuck == 0 && !centralBusy) || drainUntil.Elapsed > drain) break;
                await Task.Delay(clock.ToWall(TimeSpan.FromSeconds(1)), cancellationToken);
            }
            await host.StopAsync(CancellationToken.None);
        }

        var reports = journal.Reports;
        var resolved = reports.Where(r => r.Outcome == PartitionOutcome.Solved).ToList();
        var resolution = resolved.Select(r => (r.EndedAt - r.Event.DetectedAt).TotalMilliseconds).Order().ToList();
        var solves = journal.SolveTimesMs.Order().ToList();
        return new SchedulerResult
        {
            Scheduler = scheduler.Name(),
            ViolationSeconds = Math.Round(final.ViolationSeconds, 3),
            MeanLoad = Math.Round(samples.Average(s => s.MeanLoad), 4),
            Events = reports.Count,
            Resolved = resolved.Count,
            ResolutionP50Ms = Bench.SolverBenchmark.Percentile(resolution, 0.50),
            ResolutionP99Ms = Bench.SolverBenchmark.Percentile(resolution, 0.99),
            Migrations = final.MigrationsCompleted,
            SolverP50Ms = Bench.SolverBenchmark.Percentile(solves, 0.50),
            MaxPartition = reports.Count == 0 ? 0 : reports.Max(r => r.Nodes.Length),
            StuckReservations = stuck,
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 1),
            LoadChanges = final.LoadChanges,
            PeakWorkingSetMiB = Math.Round(peak, 0),
            ReOverloads = final.ReOverloads,
            CpuSeconds = Math.Round(cpuSeconds, 1),
            MonitoringCpuSeconds = Math.Round(monitoringSeconds, 1),
            SolverCpuSeconds = Math.Round(solverSeconds, 1),
            WakesPerNodeSecond = Math.Round(wakes / (double)infrastructure.Nodes / settings.DurationSeconds, 4),
            Outcomes = reports.GroupBy(r => r.Outcome.ToString()).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            Failures = reports.Where(r => r.Outcome is PartitionOutcome.Failed or PartitionOutcome.GaveUp)
                .GroupBy(r => $"{r.Outcome}: {System.Text.RegularExpressions.Regex.Replace(r.Detail ?? "", @"\d+", "#")}")
                .OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            Series = samples,
            ViolationPerNode = datacenter.Hypervisors.Select(h => Math.Round(final.ViolationSecondsPerNode[h.Node], 3)).ToList(),
            ResolutionTimesMs = resolution,
            PartitionSizes = reports.Where(r => r.Outcome == PartitionOutcome.Solved).Select(r => r.Nodes.Length).ToList(),
            Timeline = scheduler == SchedulerKind.Dvms
                ? reports.Select(r => new PartitionSpan(Math.Round((r.StartedAt - start).TotalSeconds, 3), Math.Round((r.EndedAt - start).TotalSeconds, 3),
                    r.Nodes, r.Outcome.ToString())).OrderBy(p => p.Start).ToList()
                : [],
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;


    private static async Task<int> CountReservationsAsync(IGrainFactory grains, HypervisorDirectory directory)
    {
        var count = 0;
        foreach (var chunk in directory.Nodes.Chunk(512))
            count += (await Task.WhenAll(chunk.Select(n => grains.GetGrain<INodeGrain>(n).GetStatusAsync()))).Count(s => s.Reservation is not null);
        return count;
    }

    /// <summary>The simulated datacentre on its accelerated clock, every node registered for the silo to drive.</summary>
    internal static (ScaledTimeProvider Clock, SimulatedDatacenter Datacenter, HypervisorDirectory Directory) Build(SimulatedInfrastructure infrastructure)
    {
        var clock = new ScaledTimeProvider(infrastructure.Speedup);
        var datacenter = infrastructure.Build(clock);
        var directory = new HypervisorDirectory();
        foreach (var h in datacenter.Hypervisors) directory.Register(h, h.Site);
        return (clock, datacenter, directory);
    }

    internal static async Task<IHost> StartSiloAsync(HypervisorDirectory directory, SimulatedDatacenter datacenter, PlanJournal journal,
        TimeProvider clock, DvmsOptions options)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort());
            silo.Services.AddSingleton(directory).AddSingleton(datacenter).AddSingleton(journal);
            silo.AddMemoryGrainStorage(VeGrain.StorageName); // the directories and VEs persist there
            silo.AddDiscoveryScheduling(clock, options);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
