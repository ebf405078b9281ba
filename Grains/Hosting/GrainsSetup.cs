using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Placement;
using Discovery.Scheduling;
using Discovery.Solving;
using Discovery.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Discovery.Hosting;

/// <summary>
/// Wires Discovery's grains and what they need into a silo whose <see cref="HypervisorDirectory"/> is registered: not only
/// scheduling but the clock, node homes, the overlay, the node directory's entries, the solver's threads, and the start of
/// monitoring.
/// </summary>
public static class GrainsSetup
{
    /// <summary>
    /// Registers the infrastructure clock (also as Orleans' grain-timer clock, so an accelerated
    /// simulation speeds up grain timers but not Orleans' own machinery), the DVMS options, the node
    /// grains' home-silo placement, the overlay, the plan journal, the solver threads, the metrics and this
    /// silo's scheduling lifecycle (which stops monitoring and partitions first when the silo stops); warms
    /// the solver up, announces this silo's nodes and starts their monitoring once the silo is up. The silo must have a grain storage named
    /// <see cref="Environments.VeGrain.StorageName"/>: the node and VE directories and the VEs persist there.
    /// </summary>
    /// <param name="silo">The silo being built.</param>
    /// <param name="infrastructureTime">The infrastructure clock.</param>
    /// <param name="options">Validated scheduling options.</param>
    /// <param name="startMonitoring">False: the caller starts monitoring itself (tests that arrange state first).</param>
    public static ISiloBuilder AddDiscoveryGrains(this ISiloBuilder silo, TimeProvider infrastructureTime, DvmsOptions options, bool startMonitoring = true)
    {
        var problems = DvmsOptionsValidator.Problems(options);
        if (problems.Count > 0) throw new ArgumentException("invalid scheduling options: " + string.Join("; ", problems), nameof(options));
        silo.Services.AddSingleton(new InfrastructureClock(infrastructureTime));
        silo.Services.AddKeyedSingleton(TimeProviderNames.Grains, infrastructureTime);
        silo.Services.AddSingleton(options);
        silo.Services.TryAddSingleton(Validation.ImageCatalog.Open); // a silo with an operator's allow-list registers it first
        silo.Services.TryAddSingleton(new Environments.EventHubLimits()); // likewise a silo's configured limits
        silo.Services.TryAddSingleton(new Images.ImageStoreOptions()); // likewise the silo's image settings
        silo.Services.AddSingleton<Images.ChunkStores>();
        silo.Services.AddSingleton<Images.ImageSources>();
        silo.Services.AddPlacementDirector<Images.SiteSiloPlacement, Images.SiteSiloPlacementDirector>();
        silo.Services.AddPlacementDirector<HomeSiloPlacement, HomeSiloPlacementDirector>();
        silo.Services.AddSingleton<NodeHomes>();
        silo.Services.AddSingleton(new SiteDistances(options.SiteDistances));
        silo.Services.AddSingleton<DirectoryEntries>();
        silo.Services.AddSingleton<ClusterOverlay>();
        silo.Services.AddSingleton<IOverlay>(sp => sp.GetRequiredService<ClusterOverlay>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterOverlay>());
        // Per silo by design: the journal is this silo's record of what its schedulers did (read by the
        // in-process simulator and tests); SiloScheduling follows this silo's lifecycle. Cluster-wide
        // state (constraints, the pause switch) lives in grains.
        silo.Services.TryAddSingleton<PlanJournal>();
        silo.Services.AddSingleton<SiloScheduling>();
        silo.Services.AddSingleton<Monitoring.MonitoringPass>();
        silo.Services.TryAddSingleton<Monitoring.MonitoringReadings>();
        silo.Services.TryAddSingleton<Diagnostics.CpuAccount>();
        silo.Services.AddSingleton<Monitoring.NodeMonitoringServices>();
        silo.Services.TryAddSingleton<SolverThreads>(_ => new SolverThreads());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloScheduling>());
        silo.Services.TryAddSingleton<SchedulingMetrics>(sp => new SchedulingMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        silo.AddStartupTask(async (services, cancellationToken) =>
        {
            var grains = services.GetRequiredService<IGrainFactory>();
            // Pay the solver's cold start (OR-Tools' native code, compiling the model builder) before any
            // node can detect an event: otherwise the first partitions, all started in the first second,
            // wait for it and at high speedups outlive their leases.
            await grains.Solver().SolveAsync(WarmUpProblem, SolverOptions.Default, SolverKind.CpSat);
            var directory = services.GetRequiredService<HypervisorDirectory>();
            await AnnounceNodesAsync(grains, directory, services.GetRequiredService<DirectoryEntries>(), services.GetRequiredService<Monitoring.MonitoringReadings>(),
                services.GetRequiredService<InfrastructureClock>(),
                services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString(), options.FanOutWidth, cancellationToken);
            await services.GetRequiredService<ClusterOverlay>().RefreshAsync();
            await RegisterSimulatedImagesAsync(grains, services.GetRequiredService<Images.ImageStoreOptions>().SimulatedImages,
                services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), services.GetRequiredService<SiloScheduling>().StoppingToken);
            if (!startMonitoring) return;
            // From now on a node grain activated here starts monitoring by itself, even one that comes home late.
            var scheduling = services.GetRequiredService<SiloScheduling>();
            scheduling.MonitoringStarted();
            await StartMonitoringAsync(grains, directory.Nodes, options.FanOutWidth, services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(),
                scheduling.StoppingToken);
        });
        return silo;
    }

    /// <summary>
    /// Tells the node directory about every node this silo drives whose hypervisor answers, before the silo serves:
    /// otherwise a VE submitted in the first monitoring period could name a node the cluster does not know yet.
    /// </summary>
    private static async Task AnnounceNodesAsync(IGrainFactory grains, HypervisorDirectory directory, DirectoryEntries entries,
        Monitoring.MonitoringReadings readings, InfrastructureClock clock, string silo, int width, CancellationToken cancellationToken)
    {
        // Fail on the unexpected (the silo does not start); a hypervisor that does not answer is no failure: it is left out.
        var hosts = await FanOut.AllAsync(directory.Nodes, async node =>
        {
            try
            {
                var host = await directory.Get(node).GetHostInfoAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                readings.Record(node, true, clock.Now); // health answers from monitoring's readings: this is the first
                return new NodeAnnouncement(node, directory.SiteOf(node), host.Capacity, silo);
            }
            catch (Exception e) when (e is HypervisorException or TimeoutException)
            {
                readings.Record(node, false, clock.Now, e.Message);
                return null; // it joins, or is marked down, through its own monitoring
            }
        }, width);
        var announced = hosts.OfType<NodeAnnouncement>().ToList();
        foreach (var node in announced) entries.Joined(node);
        await grains.NodeDirectory().AnnounceAsync([.. announced]);
    }

    /// <summary>
    /// Starts the monitoring of this silo's nodes. A node grain that stood in for its node on another silo while this
    /// one was away answers false and makes way: such nodes are asked again every second, in the background once the
    /// first round is done (the silo does not wait for them to serve), until each grain lives here or the silo stops.
    /// </summary>
    public static async Task StartMonitoringAsync(IGrainFactory grains, IReadOnlyList<string> nodes, int width, Microsoft.Extensions.Logging.ILoggerFactory loggers,
        CancellationToken stopping = default)
    {
        var pending = await StartRoundAsync(grains, nodes, width);
        if (pending.Count == 0) return;
        var logger = loggers.CreateLogger("Discovery.Hosting.GrainsSetup");
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger,
            "{Count} node(s) held by stand-in activations on other silos; asking them home", pending.Count);
        _ = Task.Run(async () =>
        {
            for (var attempt = 1; pending.Count > 0 && !stopping.IsCancellationRequested; attempt++)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                    pending = await StartRoundAsync(grains, pending, width);
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e) { Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, e, "Starting the monitoring of {Count} node(s) failed; trying again", pending.Count); }
                if (attempt == 60 && pending.Count > 0)
                    Microsoft.Extensions.Logging.LoggerExtensions.LogError(logger, "{Count} node(s) still held by stand-in activations on other silos after a minute: {Nodes}",
                        pending.Count, string.Join(", ", pending.Take(10)));
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Registers the simulated images this silo is configured with (each silo registers the same: the same content is no
    /// new version) before the silo serves, so that its first VEs find them; but a silo that joins while the catalogue's
    /// silo is gone must not wait for it to start monitoring its nodes: after 5 s it goes on, and tries again every 5 s in
    /// the background until it holds or the silo stops.
    /// </summary>
    private static async Task RegisterSimulatedImagesAsync(IGrainFactory grains, IReadOnlyList<string> images, Microsoft.Extensions.Logging.ILoggerFactory loggers,
        CancellationToken stopping)
    {
        if (images.Count == 0) return;
        async Task RegisterAll()
        {
            foreach (var image in images) await grains.ImageCatalog().RegisterAsync(Images.SyntheticImages.Of(image), "");
        }
        try
        {
            await RegisterAll().WaitAsync(TimeSpan.FromSeconds(5), stopping);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never a reason for the silo not to start: its nodes matter more than the simulated images' entries.
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(loggers.CreateLogger("Discovery.Hosting.GrainsSetup"),
                "Registering the simulated images failed ({Message}); trying again in the background", e.Message);
        }
        var logger = loggers.CreateLogger("Discovery.Hosting.GrainsSetup");
        _ = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await RegisterAll();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "Registering the simulated images failed ({Message}); trying again in 5 s", e.Message);
                }
                try { await Task.Delay(TimeSpan.FromSeconds(5), stopping); } catch (OperationCanceledException) { return; }
            }
        }, CancellationToken.None);
    }

    /// <summary>Asks each node to start monitoring; returns those whose grain stood in elsewhere and made way.</summary>
    private static async Task<List<string>> StartRoundAsync(IGrainFactory grains, IReadOnlyList<string> nodes, int width)
    {
        // Fail: the first round fails the silo's start, a later one is logged and asked again a second later (StartMonitoringAsync).
        var started = await FanOut.AllAsync(nodes, async n => (n, ok: await grains.GetGrain<INodeGrain>(n).StartMonitoringAsync()), width);
        return [.. started.Where(s => !s.ok).Select(s => s.n)];
    }

    /// <summary>A tiny problem with one overloaded node: solving it exercises the whole solver and plan builder once.</summary>
    private static readonly PlacementProblem WarmUpProblem = new(
        [new PlacementNode("warm-up-a", new Model.Resources(200, 4096)), new PlacementNode("warm-up-b", new Model.Resources(200, 4096))],
        [new PlacementVm("warm-up-1", new Model.Resources(100, 512), "warm-up-a"), new PlacementVm("warm-up-2", new Model.Resources(100, 512), "warm-up-a"),
         new PlacementVm("warm-up-3", new Model.Resources(100, 512), "warm-up-a")],
        []);
}
