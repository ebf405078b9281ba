using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.MembershipService.SiloMetadata;

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
        // One datacentre per silo, each the silo's slice of the sites, all on one clock (the physical time they share).
        var (clock, parts) = Build(infrastructure, settings.Silos);
        var options = new DvmsOptions
        {
            Enabled = scheduler == SchedulerKind.Dvms,
            SolverTimeLimit = TimeSpan.FromSeconds(settings.PartitionTimeLimitSeconds),
            HeadroomTarget = settings.HeadroomTarget,
            PressureThreshold = settings.PressureThreshold,
        };

        using var counters = new RunCounters();
        using var secure = settings.Secure ? Bench.SecureCluster.Create() : null;
        var hosts = scheduler == SchedulerKind.None ? [] : await StartSilosAsync(parts, clock, options, FreePort(), configure: secure is null ? null : secure.Apply);
        var grains = hosts.FirstOrDefault()?.Services.GetRequiredService<IGrainFactory>();
        StartLoadInjection(parts);
        DatacenterTotals Totals() => SimulationRunner.Totals(parts);
        var start = Totals().At;
        var cpuAccounts = hosts.Select(h => h.Services.GetRequiredService<Diagnostics.CpuAccount>()).ToList();
        var passes = hosts.Select(h => h.Services.GetRequiredService<Monitoring.MonitoringPass>()).ToList();
        var (cpuAtStart, monitoringAtStart, solverAtStart, wakesAtStart, messagesAtStart) = (Process.GetCurrentProcess().TotalProcessorTime,
            Sum(cpuAccounts, a => a.Monitoring), Sum(cpuAccounts, a => a.Solver), passes.Sum(p => p.Wakes), counters.Sent);
        var journals = parts.Select(p => p.Journal).ToList();
        var reportCount = () => journals.Sum(j => j.Reports.Count);

        var centralScopes = new List<ICentralSchedulerGrain>();
        var directory = parts[0].Directory;
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
            var totals = Totals();
            var t = (totals.At - start).TotalSeconds;
            samples.Add(new SimulationSample(Math.Round(t, 3), totals.ViolationSeconds, totals.MeanCpuLoad, totals.OverloadedNodes));
            progress?.Invoke(Math.Min(t, settings.DurationSeconds), settings.DurationSeconds,
                $"{scheduler.Name()}: violation {totals.ViolationSeconds:0} s, {reportCount()} events, {totals.MigrationsCompleted} migrations");
            if (totals.At >= end) break;
            var wait = clock.ToWall(Min(sampleEvery, end - totals.At));
            await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), cancellationToken);
        }
        var final = Totals();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
        var monitoringSeconds = (Sum(cpuAccounts, a => a.Monitoring) - monitoringAtStart).TotalSeconds;
        var solverSeconds = (Sum(cpuAccounts, a => a.Solver) - solverAtStart).TotalSeconds;
        var wakes = passes.Sum(p => p.Wakes) - wakesAtStart;
        var siloMessages = counters.Sent - messagesAtStart;
        var crossSite = counters.CrossSite;

        // Stop scheduling, let running partitions finish, then count what is still reserved.
        var stuck = 0;
        if (hosts.Count > 0)
        {
            await grains!.SchedulingControl().PauseAsync();
            foreach (var g in centralScopes) await g.StopAsync();
            var drainUntil = Stopwatch.StartNew();
            var drain = clock.ToWall(TimeSpan.FromSeconds(settings.DrainSeconds));
            while (true)
            {
                stuck = 0;
                foreach (var part in parts) stuck += await CountReservationsAsync(grains!, part.Directory);
                var centralBusy = false;
                foreach (var g in centralScopes) centralBusy |= await g.IsRunningAsync();
                if ((stuck == 0 && !centralBusy) || drainUntil.Elapsed > drain) break;
                await Task.Delay(clock.ToWall(TimeSpan.FromSeconds(1)), cancellationToken);
            }
            foreach (var host in Enumerable.Reverse(hosts)) await host.StopAsync(CancellationToken.None);
            foreach (var host in hosts) host.Dispose();
        }

        var all = journals.SelectMany(j => j.Reports).OrderBy(r => r.StartedAt).ToList();
        // Events and resolution times are those of overloads (and drains, underloads); pressures, acted on before any
        // overload, are counted apart.
        var reports = all.Where(r => r.Event.Kind != EventKind.Pressure).ToList();
        var pressures = all.Where(r => r.Event.Kind == EventKind.Pressure).ToList();
        var resolved = reports.Where(r => r.Outcome == PartitionOutcome.Solved).ToList();
        var resolution = resolved.Select(r => (r.EndedAt - r.Event.DetectedAt).TotalMilliseconds).Order().ToList();
        var solves = journals.SelectMany(j => j.SolveTimesMs).Order().ToList();
        return new SchedulerResult
        {
            Scheduler = scheduler.Name(),
            Silos = settings.Silos,
            SiloMessages = siloMessages,
            MessagesPerEvent = all.Count == 0 ? 0 : Math.Round(siloMessages / (double)all.Count, 1),
            CrossSiteMigrations = crossSite,
            ViolationSeconds = Math.Round(final.ViolationSeconds, 3),
            MeanLoad = Math.Round(samples.Average(s => s.MeanLoad), 4),
            Events = reports.Count,
            Resolved = resolved.Count,
            Pressures = pressures.Count,
            Relieved = pressures.Count(r => r.Outcome == PartitionOutcome.Solved),
            ResolutionP50Ms = Bench.SolverBenchmark.Percentile(resolution, 0.50),
            ResolutionP99Ms = Bench.SolverBenchmark.Percentile(resolution, 0.99),
            Migrations = final.MigrationsCompleted,
            SolverP50Ms = Bench.SolverBenchmark.Percentile(solves, 0.50),
            MaxPartition = all.Count == 0 ? 0 : all.Max(r => r.Nodes.Length),
            StuckReservations = stuck,
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 1),
            LoadChanges = final.LoadChanges,
            PeakWorkingSetMiB = Math.Round(peak, 0),
            ReOverloads = final.ReOverloads,
            Overloads = final.Overloads,
            CpuSeconds = Math.Round(cpuSeconds, 1),
            MonitoringCpuSeconds = Math.Round(monitoringSeconds, 1),
            SolverCpuSeconds = Math.Round(solverSeconds, 1),
            WakesPerNodeSecond = Math.Round(wakes / (double)infrastructure.Nodes / settings.DurationSeconds, 4),
            Outcomes = all.GroupBy(r => r.Event.Kind == EventKind.Pressure ? $"Pressure {r.Outcome}" : r.Outcome.ToString()).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            Failures = all.Where(r => r.Outcome is PartitionOutcome.Failed or PartitionOutcome.GaveUp)
                .GroupBy(r => $"{r.Outcome}: {System.Text.RegularExpressions.Regex.Replace(r.Detail ?? "", @"\d+", "#")}")
                .OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            Series = samples,
            ViolationPerNode = parts.SelectMany(p => p.Datacenter.Hypervisors).OrderBy(h => h.Node, StringComparer.Ordinal)
                .Select(h => Math.Round(final.ViolationSecondsPerNode[h.Node], 3)).ToList(),
            ResolutionTimesMs = resolution,
            PartitionSizes = all.Where(r => r.Outcome == PartitionOutcome.Solved).Select(r => r.Nodes.Length).ToList(),
            Timeline = scheduler == SchedulerKind.Dvms
                ? all.Select(r => new PartitionSpan(Math.Round((r.StartedAt - start).TotalSeconds, 3), Math.Round((r.EndedAt - start).TotalSeconds, 3),
                    r.Nodes, r.Outcome.ToString())).OrderBy(p => p.Start).ToList()
                : [],
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;


    private static async Task<int> CountReservationsAsync(IGrainFactory grains, HypervisorDirectory directory)
    {
        // Fail: a count that left nodes out would report fewer stuck reservations than there are.
        var statuses = await FanOut.AllAsync(directory.Nodes, n => grains.GetGrain<INodeGrain>(n).GetStatusAsync());
        return statuses.Count(s => s.Reservation is not null);
    }

    /// <summary>
    /// The simulated infrastructure on its accelerated clock, cut into <paramref name="silos"/> slices of whole sites:
    /// per slice its datacentre, its nodes registered for its silo to drive, and its silo's plan journal.
    /// </summary>
    internal static (ScaledTimeProvider Clock, IReadOnlyList<SiloPart> Parts) Build(SimulatedInfrastructure infrastructure, int silos = 1)
    {
        var clock = new ScaledTimeProvider(infrastructure.Speedup);
        var parts = new List<SiloPart>();
        for (var i = 0; i < silos; i++)
        {
            var slice = infrastructure with { Slice = i, Slices = silos };
            var datacenter = slice.Build(clock);
            var directory = new HypervisorDirectory();
            foreach (var h in datacenter.Hypervisors) directory.Register(h, h.Site);
            parts.Add(new SiloPart(slice, datacenter, directory, new PlanJournal(capacity: 1_000_000)));
        }
        return (clock, parts);
    }

    /// <summary>One silo's share of a simulation.</summary>
    internal sealed record SiloPart(SimulatedInfrastructure Slice, SimulatedDatacenter Datacenter, HypervisorDirectory Directory, PlanJournal Journal);

    /// <summary>
    /// One silo per part, the first the primary (on <paramref name="primaryPort"/>) the others join (localhost clustering):
    /// between them, every call goes through Orleans' networking.
    /// </summary>
    internal static async Task<List<IHost>> StartSilosAsync(IReadOnlyList<SiloPart> parts, TimeProvider clock, DvmsOptions options, int primaryPort,
        SharedGrainStorage.Store? sharedStore = null, Action<ISiloBuilder>? configure = null)
    {
        var hosts = new List<IHost>();
        for (var i = 0; i < parts.Count; i++)
            hosts.Add(await StartSiloAsync(parts[i], clock, options, i == 0 ? primaryPort : FreePort(), primaryPort, $"silo-{i}", sharedStore, configure));
        return hosts;
    }

    /// <summary>The seed's load injector on every part whose description runs it (each slice replays the whole stream).</summary>
    internal static void StartLoadInjection(IReadOnlyList<SiloPart> parts)
    {
        foreach (var part in parts)
            if (part.Slice.LoadInjector) part.Slice.StartLoadInjection(part.Datacenter);
    }

    /// <summary>The ground truth of the whole infrastructure: every part's datacentre together.</summary>
    internal static DatacenterTotals Totals(IReadOnlyList<SiloPart> parts) => DatacenterTotals.Combine([.. parts.Select(p => p.Datacenter.GetTotals())]);

    internal static async Task<IHost> StartSiloAsync(SiloPart part, TimeProvider clock, DvmsOptions options, int siloPort, int primaryPort, string name,
        SharedGrainStorage.Store? sharedStore = null, Action<ISiloBuilder>? configure = null)
    {
        var (directory, datacenter, journal) = (part.Directory, part.Datacenter, part.Journal);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        // While the silos of a run stop one after the other, Orleans logs every call it can no longer route (the callers
        // see the exception) and every grain it cannot move off a stopping silo: hundreds of thousands of lines of noise.
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical).AddFilter("Polly", LogLevel.Critical);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, FreePort(), new IPEndPoint(IPAddress.Loopback, primaryPort));
            silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
            // Node grains are placed on the silo that drives their hypervisor (HomeSiloPlacement), as in production.
            silo.UseSiloMetadata(new Dictionary<string, string> { [HomeSiloPlacement.MetadataKey] = HomeSiloPlacement.Describe(directory.Nodes) });
            silo.Services.AddSingleton(directory).AddSingleton(datacenter).AddSingleton(journal);
            // The directories and VEs persist there: in memory, or in a store outside the silos when a silo may be killed.
            if (sharedStore is null) silo.AddMemoryGrainStorage(VeGrain.StorageName);
            else silo.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(VeGrain.StorageName,
                (sp, _) => new SharedGrainStorage(sharedStore, sp.GetRequiredService<Orleans.Serialization.DeepCopier>()));
            silo.AddDiscoveryGrains(clock, options);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static TimeSpan Sum<T>(IEnumerable<T> items, Func<T, TimeSpan> value) => items.Aggregate(TimeSpan.Zero, (a, i) => a + value(i));

    /// <summary>
    /// Counters read off the silos' meters: messages the silos of this process sent each other over Orleans' networking
    /// (its own membership traffic included), and migrations applied between two sites.
    /// </summary>
    private sealed class RunCounters : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private long _sent, _crossSite;

        public RunCounters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if ((instrument.Meter.Name, instrument.Name) is ("Microsoft.Orleans", "orleans-messaging-sent-messages-size")
                    or (SchedulingMetrics.MeterName, "discovery.migrations.cross_site"))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<int>((i, _, _, _) => Count(i, 1));
            _listener.SetMeasurementEventCallback<long>((i, value, _, _) => Count(i, value));
            _listener.SetMeasurementEventCallback<double>((i, _, _, _) => Count(i, 1));
            _listener.Start();
        }

        private void Count(System.Diagnostics.Metrics.Instrument instrument, long value)
        {
            if (instrument.Meter.Name == SchedulingMetrics.MeterName) Interlocked.Add(ref _crossSite, value);
            else Interlocked.Increment(ref _sent); // one measurement of a message's size per message sent
        }

        public long Sent => Interlocked.Read(ref _sent);

        public long CrossSite => Interlocked.Read(ref _crossSite);

        public void Dispose() => _listener.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
