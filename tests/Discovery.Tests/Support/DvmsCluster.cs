using System.Diagnostics;
using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Grains;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Placement.Checking;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Discovery.Tests.Support;

/// <summary>
/// An in-process Orleans silo over a simulated datacentre whose clock runs <c>speedup</c> times
/// faster than the wall clock (2 by default: a 1.5 s lease is then 750 ms of wall time, a margin
/// a loaded 2-core CI machine keeps). Tests wait for outcomes on the ground truth (the simulated
/// hypervisor) with a generous deadline; no test sleeps for its correctness. Started with a <see cref="FakeClockDriver"/>, the
/// cluster runs on a fake clock instead, which moves only as the test advances it: waits then cost wall time only for what
/// the grains compute.
/// </summary>
public sealed class DvmsCluster : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary><paramref name="count"/> VMs of the same demand, for one node of <see cref="StartAsync"/>.</summary>
    public static int[] Vms(int count, int demand) => Enumerable.Repeat(demand, count).ToArray();

    /// <summary><paramref name="count"/> VMs of the same CPU demand and memory (1 vCPU each).</summary>
    public static (int Cpu, int MemoryMiB)[] Vms(int count, int demand, int memoryMiB) => Enumerable.Repeat((demand, memoryMiB), count).ToArray();

    private DvmsCluster(SimulatedDatacenter datacenter, InProcessTestCluster cluster, PlanJournal journal, FakeClockDriver? fakeClock)
    {
        Datacenter = datacenter;
        Cluster = cluster;
        Journal = journal;
        FakeClock = fakeClock;
    }

    public SimulatedDatacenter Datacenter { get; }
    public InProcessTestCluster Cluster { get; }
    /// <summary>What the schedulers of every silo did (the silos share one journal in these tests).</summary>
    public PlanJournal Journal { get; }
    public IGrainFactory Grains => Cluster.Client;
    /// <summary>The infrastructure clock's driver when the cluster runs on a fake clock; null on the scaled wall clock.</summary>
    public FakeClockDriver? FakeClock { get; }

    /// <summary>
    /// Nodes n0..n{count-1} of 4 cores and 8 GiB in one site; <paramref name="vms"/> gives each node's VM demands
    /// (1 vCPU, 512 MiB each). <paramref name="constraints"/> are registered, by owner, through the cluster-wide
    /// constraint directory before any node starts monitoring; <paramref name="silos"/> silos share the nodes.
    /// <paramref name="postgres"/>: membership and grain state in that database (every multi-silo test), else in memory.
    /// </summary>
    public static Task<DvmsCluster> StartAsync(int[][] vms, DvmsOptions? options = null, double speedup = 2,
        IReadOnlyDictionary<string, PlacementConstraint[]>? constraints = null, int silos = 1, PostgreSqlDatabase? postgres = null, double? headroom = null,
        Action<ISiloBuilder>? configure = null, FakeClockDriver? fakeClock = null) =>
        StartAsync(vms.Select(node => node.Select(d => (d, 512)).ToArray()).ToArray(), options, speedup, constraints, silos, postgres, headroom, configure, fakeClock);

    /// <summary>
    /// As above, each VM given as (CPU demand, memory MiB). The scenarios are the seed's, stated for its least-memory
    /// objective: the headroom target is off unless <paramref name="headroom"/> is given (HeadroomScenarioTests).
    /// <paramref name="configure"/>: more for every silo (a grain call filter that records what reaches a grain).
    /// <paramref name="fakeClock"/>: infrastructure time on that driver's fake clock (<paramref name="speedup"/> unused), moving only
    /// when the test advances it; <see cref="WaitUntilAsync(Func{Task{bool}}, string)"/> then advances it.
    /// </summary>
    public static async Task<DvmsCluster> StartAsync((int Cpu, int MemoryMiB)[][] vms, DvmsOptions? options = null, double speedup = 2,
        IReadOnlyDictionary<string, PlacementConstraint[]>? constraints = null, int silos = 1, PostgreSqlDatabase? postgres = null, double? headroom = null,
        Action<ISiloBuilder>? configure = null, FakeClockDriver? fakeClock = null)
    {
        if (silos > 1 && postgres is null) throw new ArgumentException("a multi-silo test keeps membership and grain state in PostgreSQL: pass postgres", nameof(postgres));
        options = (options ?? new DvmsOptions()) with { HeadroomTarget = headroom };
        TimeProvider clock = fakeClock is null ? new ScaledTimeProvider(speedup) : fakeClock.Time;
        var datacenter = new SimulatedDatacenter(clock);
        var directory = new HypervisorDirectory();
        for (var n = 0; n < vms.Length; n++)
        {
            var node = datacenter.AddNode($"n{n}", Resources.OfCores(4, 8192), "local");
            directory.Register(node, "local");
            for (var j = 0; j < vms[n].Length; j++)
            {
                var id = $"v{n}-{j}";
                await node.DefineAsync(new VmSpec(id, 1, vms[n][j].MemoryMiB, "img", vms[n][j].Cpu));
                await node.StartAsync(id);
            }
        }
        var journal = new PlanJournal();
        // Constraints go in before the nodes look at their load: monitoring starts only once they are set.
        var builder = new InProcessTestClusterBuilder((short)silos);
        if (postgres is not null) await postgres.UseForAsync(builder);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(directory).AddSingleton(datacenter).AddSingleton(journal);
            if (postgres is null) silo.AddMemoryGrainStorage(Discovery.Environments.VeGrain.StorageName);
            silo.AddDiscoveryGrains(clock, WithTestLease(options), startMonitoring: false);
            fakeClock?.AddTo(silo);
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        if (postgres is not null) // membership really is in PostgreSQL
            Assert.Equal(silos, await postgres.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3"));
        foreach (var (owner, list) in constraints ?? new Dictionary<string, PlacementConstraint[]>())
            await cluster.Client.ConstraintDirectory().SetAsync(owner, [.. list]);
        await Task.WhenAll(directory.Nodes.Select(n => cluster.Client.GetGrain<INodeGrain>(n).StartMonitoringAsync()));
        return new DvmsCluster(datacenter, cluster, journal, fakeClock);
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> and the journal after the deadline.
    /// On a fake clock, advances it instead (<see cref="AdvanceUntilAsync"/>), the deadline then in infrastructure time.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        if (FakeClock is not null)
        {
            await AdvanceUntilAsync(condition, what, Deadline);
            return;
        }
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline)
                throw new TimeoutException($"not reached within {Deadline.TotalSeconds} s: {what}. {Partitions()}");
            await Task.Delay(50);
        }
    }

    public Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>
    /// The fake-clock phase barrier: advances infrastructure time step by step, letting the grains run between steps, until
    /// <paramref name="condition"/> holds; fails with <paramref name="what"/> and the journal once <paramref name="within"/> of
    /// infrastructure time has passed. Returns the infrastructure time it took.
    /// </summary>
    public Task<TimeSpan> AdvanceUntilAsync(Func<Task<bool>> condition, string what, TimeSpan within) =>
        (FakeClock ?? throw new InvalidOperationException("this cluster runs on the scaled wall clock: start it with a FakeClockDriver"))
            .AdvanceUntilAsync(condition, what, within, Partitions);

    private string Partitions() => $"Partitions so far:{Environment.NewLine}" +
        string.Join(Environment.NewLine, Journal.Reports.Select(r => $"  {r.PartitionId} {r.Event.Kind} {r.Outcome} [{string.Join(",", r.Nodes)}] {r.Detail}"));

    /// <summary>No node overloaded (ground truth) and no reservation held anywhere.</summary>
    public async Task WaitUntilQuietAsync()
    {
        await WaitUntilAsync(async () => Datacenter.GetTotals() is { OverloadedNodes: 0, MigrationsInFlight: 0 } && (await Reservations()).Count == 0,
            "every node viable and no reservation left");
    }

    public async Task<IReadOnlyList<NodeStatus>> Statuses() =>
        await Task.WhenAll(Datacenter.Hypervisors.Select(h => Grains.GetGrain<INodeGrain>(h.Node).GetStatusAsync()));

    public async Task<IReadOnlyList<Reservation>> Reservations() =>
        (await Statuses()).Select(s => s.Reservation).OfType<Reservation>().ToList();

    /// <summary>VM id to hosts, from the hypervisors.</summary>
    public async Task<Dictionary<string, string>> Placement()
    {
        var placement = new Dictionary<string, string>();
        foreach (var h in Datacenter.Hypervisors)
            foreach (var vm in await h.ListVmsAsync())
                if (vm.State != VmState.Migrating) placement[vm.Id] = h.Node;
        return placement;
    }

    /// <summary>Every plan applied passes the independent checker, and no VM was in two plans at once.</summary>
    public void AssertPlansSafe()
    {
        foreach (var plan in Journal.Plans)
            Assert.Empty(PlacementChecker.CheckPlan(plan.Problem, plan.Result.Target, plan.Result.Plan));
        var moves = Journal.Plans
            .SelectMany(p => p.Result.Plan.Migrations.Select(m => (m.Vm, p.PartitionId, p.StartedAt, p.EndedAt)))
            .GroupBy(m => m.Vm);
        foreach (var vm in moves)
        {
            var plans = vm.DistinctBy(m => m.PartitionId).OrderBy(m => m.StartedAt).ToList();
            for (var i = 1; i < plans.Count; i++)
                Assert.True(plans[i].StartedAt >= plans[i - 1].EndedAt,
                    $"VM {vm.Key} is in plans {plans[i - 1].PartitionId} and {plans[i].PartitionId} at the same time");
        }
    }

    /// <summary>
    /// Scenarios assert exact outcomes, so a renewal delayed by a pause of the test process (GC, a
    /// loaded CI machine) must not cost a lease: unless a test sets its own, leases last 5 s here.
    /// The lease rules themselves are tested on a fake clock (ReservationLeaseTests).
    /// </summary>
    private static DvmsOptions WithTestLease(DvmsOptions options) =>
        options.LeaseTimeout == new DvmsOptions().LeaseTimeout ? options with { LeaseTimeout = TimeSpan.FromSeconds(5) } : options;

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
