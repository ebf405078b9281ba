using System.Collections.Immutable;
using System.Diagnostics;
using Discovery.Cli.Simulation;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Placement;
using Discovery.Placement.Checking;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Cli.Bench;

/// <summary>What <c>discovery bench ve</c> runs.</summary>
public sealed record VeBenchmarkSettings
{
    public SimulatedInfrastructure Infrastructure { get; init; } = new() { Nodes = 1024, VmsPerNode = 5, Sites = 8 };
    public int Ves { get; init; } = 1000;
    public int MinVms { get; init; } = 3;
    public int MaxVms { get; init; } = 10;
    /// <summary>VEs submitted at once (each submission waits for its placement).</summary>
    public int Parallel { get; init; } = 8;
    /// <summary>Share of nodes crashed at once after the submissions.</summary>
    public double CrashFraction { get; init; } = 0.05;
    /// <summary>Silos in the process, each driving whole sites (its own simulated datacentre).</summary>
    public int Silos { get; init; } = 1;
    /// <summary>Mutual TLS between the silos, Discovery's security on each, and every submission and read carrying an operator's token (<c>--secure</c>).</summary>
    public bool Secure { get; init; }
    /// <summary>Kill the last silo (its nodes undriven until it starts again) instead of crashing a share of the nodes.</summary>
    public bool KillSilo { get; init; }
    /// <summary>Infrastructure seconds to wait for recovery before counting what is still down as lost.</summary>
    public double RecoveryDeadlineSeconds { get; init; } = 300;
    /// <summary>The VE VMs: the seed's VM type, expecting half its vCPU (<c>cpu: 50%</c>).</summary>
    public VmSpec Vm { get; init; } = new("vm", 1, 1024, "simulated.qcow2", 50);
    /// <summary>vCPUs of each VE VM, drawn uniformly in this range (seeded); its expected demand is <see cref="CpuPercent"/> of them.</summary>
    public int MinVCpus { get; init; } = 1;
    public int MaxVCpus { get; init; } = 1;
    /// <summary>Each VE VM's declared expected demand, in percent of its vCPUs (the demand it starts at).</summary>
    public int CpuPercent { get; init; } = 50;
    /// <summary>
    /// Infrastructure seconds, from the first submission, over which DVMS's work is counted (overload episodes,
    /// violation, migrations) before the crash; 0: not counted. The same run with no VE gives what the VEs cost.
    /// </summary>
    public double ObserveSeconds { get; init; }
}

/// <summary>What DVMS did over the observation window (infrastructure time): the cost of admitting the VEs, against a run without them.</summary>
public sealed record ObservedWindow(double Seconds, long OverloadEpisodes, long ReOverloads, double ViolationSeconds, long Migrations, double MeanCpuLoadAtEnd, int OverloadedNodesAtEnd);

/// <summary>The figures of <c>discovery bench ve</c>; times are wall seconds unless named infrastructure.</summary>
public sealed record VeBenchmarkReport
{
    public required int Nodes { get; init; }
    public required int BackgroundVms { get; init; }
    public required int Ves { get; init; }
    public required int VeVms { get; init; }
    public required double Speedup { get; init; }
    public required double SubmitWallSeconds { get; init; }
    public required double VesPlacedPerSecond { get; init; }
    public required int Running { get; init; }
    public required int Pending { get; init; }
    public required double PendingShare { get; init; }
    /// <summary>Why the VEs not Running at the end of the run are not (their first reason, names and numbers masked).</summary>
    public required Dictionary<string, int> PendingReasons { get; init; }
    public required double SubmitToRunningP50Ms { get; init; }
    public required double SubmitToRunningP99Ms { get; init; }
    public required double LoadAfterSubmit { get; init; }
    /// <summary>DVMS's work from the first submission over <see cref="VeBenchmarkSettings.ObserveSeconds"/>; null when not asked.</summary>
    public ObservedWindow? Observed { get; init; }
    /// <summary>Silos in the process; with <see cref="KilledSilo"/>, the last one was killed instead of crashing nodes.</summary>
    public int Silos { get; init; } = 1;
    public bool KilledSilo { get; init; }
    public required int CrashedNodes { get; init; }
    public required int AffectedVeVms { get; init; }
    public required int AffectedVes { get; init; }
    public required double NodeDownGraceSeconds { get; init; }
    public required double RecoveryP50Seconds { get; init; }
    public required double RecoveryP99Seconds { get; init; }
    public required double RecoveryMaxSeconds { get; init; }
    public required int VeVmsLost { get; init; }
    /// <summary>VE VMs fenced into the lost nodes only: they wait for them (Pending), not counted as lost.</summary>
    public int StrandedVeVms { get; init; }
    /// <summary>Why the VEs of the VMs not running again by the deadline are not Running (their VE's reason).</summary>
    public required Dictionary<string, int> NotRecoveredReasons { get; init; }
    public required int BackgroundVmsLost { get; init; }
    public required int ConstraintViolations { get; init; }
    public required List<string> ViolationSamples { get; init; }
    public required int RunningTwice { get; init; }
    public required int StaleCopiesLeft { get; init; }
    public required double StaleCopiesGoneAfterSeconds { get; init; }
    public required double PeakWorkingSetMiB { get; init; }
    public required double WallSeconds { get; init; }
}

/// <summary>
/// <c>discovery bench ve</c>: submits VEs to an in-process silo over a simulated datacentre (DVMS and
/// the seed's load injector running), then crashes a share of the nodes at once and measures how fast
/// every VE VM they held runs again, whether any is lost, and whether every constraint still holds;
/// then brings the nodes back and checks that their stale copies are destroyed.
/// </summary>
public static class VeBenchmark
{
    public static async Task<VeBenchmarkReport> RunAsync(VeBenchmarkSettings settings, Action<string, long, long, string> progress, CancellationToken cancellationToken = default)
    {
        var wall = Stopwatch.StartNew();
        var infrastructure = settings.Infrastructure;
        var (clock, parts) = SimulationRunner.Build(infrastructure, settings.Silos);
        var options = new DvmsOptions();
        var primary = SimulationRunner.FreePort();
        // The silos' grain state lives outside all of them (PostgreSQL's role): a killed silo loses nothing stored.
        var store = new SharedGrainStorage.Store();
        using var secure = settings.Secure ? SecureCluster.Create() : null;
        var hosts = await SimulationRunner.StartSilosAsync(parts, clock, options, primary, store, secure is null ? null : secure.Apply);
        var grains = hosts[0].Services.GetRequiredService<IGrainFactory>();
        SimulationRunner.StartLoadInjection(parts);
        var allNodes = parts.SelectMany(p => p.Directory.Nodes).Order(StringComparer.Ordinal).ToList();
        SimulatedHypervisor Hypervisor(string node) => parts.First(p => p.Directory.Contains(node)).Datacenter[node];
        string SiteOf(string node) => parts.First(p => p.Directory.Contains(node)).Directory.SiteOf(node);
        var nodeDirectory = grains.NodeDirectory();
        while ((await nodeDirectory.NodesAsync()).Length < infrastructure.Nodes)
        {
            progress("nodes joining", (await nodeDirectory.NodesAsync()).Length, infrastructure.Nodes, "");
            await Task.Delay(200, cancellationToken);
        }

        // 1. Submit (with --secure, as a client would: every call from here carries the token and is checked).
        secure?.ActAsOperator();
        var sites = allNodes.GroupBy(SiteOf).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Order(StringComparer.Ordinal).ToImmutableArray()).ToList();
        var workload = VeWorkload.Generate(settings.Ves, settings.MinVms, settings.MaxVms, settings.Vm, sites, infrastructure.Seed,
            (settings.MinVCpus, settings.MaxVCpus), settings.CpuPercent);
        var before = SimulationRunner.Totals(parts);
        var latencies = new List<double>();
        var views = new Dictionary<string, VeView>();
        var done = 0;
        var submitClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(workload, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel, CancellationToken = cancellationToken }, async (ve, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var view = await grains.GetGrain<IVeGrain>(ve.Key).SubmitAsync(ve.Spec);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (views)
            {
                views[ve.Key] = view;
                if (view.State == VeState.Running) latencies.Add(ms);
                progress("submit", ++done, workload.Count, $"{views.Values.Count(v => v.State == VeState.Running)} running, {views.Values.Count(v => v.State == VeState.Pending)} pending");
            }
        });
        var submitSeconds = submitClock.Elapsed.TotalSeconds;
        latencies.Sort();
        var load = SimulationRunner.Totals(parts).MeanCpuLoad;
        ObservedWindow? observed = null;
        if (settings.ObserveSeconds > 0)
        {
            var end = before.At + TimeSpan.FromSeconds(settings.ObserveSeconds);
            while (clock.GetUtcNow() < end)
            {
                progress("observe", (long)(clock.GetUtcNow() - before.At).TotalSeconds, (long)settings.ObserveSeconds, "infrastructure s of DVMS counted");
                await Task.Delay(clock.ToWall(TimeSpan.FromSeconds(1)), cancellationToken);
            }
            var after = SimulationRunner.Totals(parts);
            observed = new ObservedWindow(Math.Round((after.At - before.At).TotalSeconds, 1), after.Overloads - before.Overloads, after.ReOverloads - before.ReOverloads,
                Math.Round(after.ViolationSeconds - before.ViolationSeconds, 1), after.MigrationsCompleted - before.MigrationsCompleted,
                Math.Round(after.MeanCpuLoad, 4), after.OverloadedNodes);
        }

        // 2. Crash a share of the nodes at once, or kill the last silo (as Orleans' test cluster kills one in-process: an
        // ungraceful stop; its machines keep running, nothing drives them).
        foreach (var key in views.Keys.ToList()) views[key] = await grains.GetGrain<IVeGrain>(key).GetAsync();
        var random = new Random(infrastructure.Seed);
        var victim = parts[^1];
        var crashed = (settings.KillSilo ? victim.Directory.Nodes
            : allNodes.OrderBy(_ => random.Next()).Take((int)Math.Round(settings.CrashFraction * allNodes.Count))).ToHashSet(StringComparer.Ordinal);
        var affected = views.Values.SelectMany(v => v.Vms.Where(vm => vm.Host is { } h && crashed.Contains(h) && vm.State == VmState.Running).Select(vm => (Ve: v.Id, Vm: vm.Name))).ToList();
        var background = 0;
        // VMs of no VE are lost with a crashed node; a killed silo's machines keep running them, undriven.
        if (!settings.KillSilo)
            foreach (var n in crashed) background += (await Hypervisor(n).ListVmsAsync(cancellationToken)).Count(v => VeId.VeOfVm(v.Id) is null);
        var crashedAt = clock.GetUtcNow();
        if (settings.KillSilo)
        {
            await hosts[^1].StopAsync(new CancellationToken(canceled: true));
            hosts[^1].Dispose();
        }
        else await Task.WhenAll(crashed.Select(n => grains.GetGrain<INodeFaults>(n).CrashNodeAsync()));
        var recovered = new Dictionary<(string, string), double>();
        var deadline = crashedAt + TimeSpan.FromSeconds(settings.RecoveryDeadlineSeconds);
        var affectedVes = affected.Select(a => a.Ve).Distinct(StringComparer.Ordinal).ToList();
        // A VM fenced into nodes that are all gone has nowhere else to go: it waits for them, Pending, by design.
        var strandedSet = affected.Where(a => views[a.Ve].Constraints.OfType<Fence>().Any(f =>
            (f.Vms.Contains(a.Vm) || views[a.Ve].Vms.Any(v => v.Name == a.Vm && f.Vms.Contains(v.Id))) && f.Nodes.All(crashed.Contains))).ToHashSet();
        while (recovered.Count < affected.Count - strandedSet.Count && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(clock.ToWall(TimeSpan.FromSeconds(1)), cancellationToken);
            foreach (var ve in affectedVes)
            {
                var view = views[ve] = await grains.GetGrain<IVeGrain>(ve).GetAsync();
                foreach (var vm in view.Vms.Where(x => x.State == VmState.Running && x.Host is { } h && !crashed.Contains(h)))
                {
                    if (!affected.Contains((ve, vm.Name)) || recovered.ContainsKey((ve, vm.Name))) continue;
                    // When it started again: its last transition to Running on its node (else when it was seen).
                    var at = view.Transitions.LastOrDefault(t => t.Vm == vm.Name && t.To == "Running" && t.At > crashedAt)?.At ?? clock.GetUtcNow();
                    recovered[(ve, vm.Name)] = (at - crashedAt).TotalSeconds;
                }
            }
            progress("recovery", recovered.Count, affected.Count, $"{(clock.GetUtcNow() - crashedAt).TotalSeconds:0} s since the crash");
        }
        var recovery = recovered.Values.Order().ToList();
        var stranded = affected.Count(a => !recovered.ContainsKey(a) && strandedSet.Contains(a));
        var notRecovered = affected.Where(a => !recovered.ContainsKey(a) && !strandedSet.Contains(a)).Select(a => views[a.Ve])
            .GroupBy(v => $"{v.State}: {v.Reason}").OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());

        // 3. After recovery: every constraint of every VE on what the reachable nodes run, and no VM twice.
        foreach (var key in views.Keys.ToList()) views[key] = await grains.GetGrain<IVeGrain>(key).GetAsync();
        var live = allNodes.Where(n => !crashed.Contains(n)).ToList();
        var (violations, twice) = await CheckAsync(grains, live, Hypervisor, views.Values);

        // 4. The crashed nodes come back (the killed silo starts again): their copies of VMs that run elsewhere must go.
        var recoveredAt = clock.GetUtcNow();
        if (settings.KillSilo)
            hosts[^1] = await SimulationRunner.StartSiloAsync(victim, clock, options, SimulationRunner.FreePort(), primary, $"silo-{parts.Count - 1}-again", store);
        else await Task.WhenAll(crashed.Select(n => grains.GetGrain<INodeFaults>(n).RecoverNodeAsync()));
        int stale;
        while ((stale = await DuplicatedAsync(allNodes, Hypervisor)) > 0 && clock.GetUtcNow() < recoveredAt + TimeSpan.FromSeconds(60))
        {
            progress("stale copies", 0, 0, $"{stale} VM(s) on two nodes");
            await Task.Delay(clock.ToWall(TimeSpan.FromSeconds(1)), cancellationToken);
        }
        var staleGone = (clock.GetUtcNow() - recoveredAt).TotalSeconds;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        foreach (var host in Enumerable.Reverse(hosts)) await host.StopAsync(CancellationToken.None);
        foreach (var host in hosts) host.Dispose();

        var pending = views.Values.Where(v => v.State != VeState.Running).ToList();
        return new VeBenchmarkReport
        {
            Nodes = infrastructure.Nodes,
            BackgroundVms = infrastructure.Nodes * infrastructure.VmsPerNode,
            Ves = workload.Count,
            VeVms = workload.Sum(w => w.Spec.Vms.Length),
            Speedup = infrastructure.Speedup,
            SubmitWallSeconds = Math.Round(submitSeconds, 2),
            VesPlacedPerSecond = workload.Count == 0 ? 0 : Math.Round(latencies.Count / submitSeconds, 1),
            Running = latencies.Count,
            Pending = workload.Count - latencies.Count,
            PendingShare = workload.Count == 0 ? 0 : Math.Round((workload.Count - latencies.Count) / (double)workload.Count, 4),
            PendingReasons = pending.GroupBy(v => Category(v.Reason)).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            SubmitToRunningP50Ms = Math.Round(SolverBenchmark.Percentile(latencies, 0.50), 1),
            SubmitToRunningP99Ms = Math.Round(SolverBenchmark.Percentile(latencies, 0.99), 1),
            LoadAfterSubmit = Math.Round(load, 4),
            Observed = observed,
            Silos = parts.Count,
            KilledSilo = settings.KillSilo,
            CrashedNodes = crashed.Count,
            AffectedVeVms = affected.Count,
            AffectedVes = affectedVes.Count,
            NodeDownGraceSeconds = (settings.KillSilo ? options.SiloLossGrace : options.NodeDownGrace).TotalSeconds,
            RecoveryP50Seconds = Math.Round(SolverBenchmark.Percentile(recovery, 0.50), 2),
            RecoveryP99Seconds = Math.Round(SolverBenchmark.Percentile(recovery, 0.99), 2),
            RecoveryMaxSeconds = recovery.Count == 0 ? 0 : Math.Round(recovery[^1], 2),
            VeVmsLost = affected.Count - recovered.Count - stranded,
            StrandedVeVms = stranded,
            NotRecoveredReasons = notRecovered,
            BackgroundVmsLost = background,
            ConstraintViolations = violations.Count,
            ViolationSamples = [.. violations.Take(10)],
            RunningTwice = twice,
            StaleCopiesLeft = stale,
            StaleCopiesGoneAfterSeconds = Math.Round(staleGone, 1),
            PeakWorkingSetMiB = Math.Round(peak, 0),
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 1),
        };
    }

    /// <summary>A pending reason without its numbers and names, to group by.</summary>
    private static string Category(string? reason) =>
        reason is null ? "(none)" : System.Text.RegularExpressions.Regex.Replace(reason.Split(';')[0], @"[\w.-]*\d[\w.-]*", "#");

    /// <summary>The independent checker on every VE constraint over the <paramref name="live"/> nodes, and VMs that run on two of them.</summary>
    private static async Task<(List<string> Violations, int Twice)> CheckAsync(IGrainFactory grains, IReadOnlyList<string> live,
        Func<string, SimulatedHypervisor> hypervisor, IEnumerable<VeView> ves)
    {
        // Fail: the checker must see every live node, or a violation on a node left out would go unreported.
        var snapshots = await FanOut.AllAsync(live, n => grains.GetGrain<INodeGrain>(n).GetSnapshotAsync());
        var constraints = ves.SelectMany(v => v.Constraints).ToList();
        var problem = PlacementProblem.FromSnapshots(snapshots, constraints);
        var target = problem.Vms.GroupBy(v => v.Id).ToDictionary(g => g.Key, g => g.First().Host!);
        // Capacity is DVMS's business (the load injector keeps changing demand): only the VEs' constraints count here.
        var violations = PlacementChecker.CheckPlacement(problem with { Vms = [.. problem.Vms.DistinctBy(v => v.Id)] }, target)
            .Where(v => !v.StartsWith("capacity:", StringComparison.Ordinal)).ToList();
        return (violations, await DuplicatedAsync(live, hypervisor));
    }

    /// <summary>VMs defined on two reachable nodes or more, whatever silo's datacentre holds them (a VM in flight counts once).</summary>
    private static async Task<int> DuplicatedAsync(IEnumerable<string> nodes, Func<string, SimulatedHypervisor> hypervisor)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var h = hypervisor(node);
            if (h.Datacenter.IsDown(node)) continue;
            foreach (var vm in await h.ListVmsAsync())
                if (vm.State != VmState.Migrating) seen[vm.Id] = seen.GetValueOrDefault(vm.Id) + 1;
        }
        return seen.Count(v => v.Value > 1);
    }
}
