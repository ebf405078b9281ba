using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Hypervisors.Simulated;

/// <summary>The simulated hypervisor: ground truth driven by a fake clock, never by wall-clock sleeps.</summary>
public sealed class SimulatedDatacenterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private SimulatedDatacenter TwoNodes(out SimulatedHypervisor a, out SimulatedHypervisor b, int memoryMiB = 8192)
    {
        var dc = new SimulatedDatacenter(_clock, migrationBandwidthMbps: 1000);
        a = dc.AddNode("a", Resources.OfCores(4, memoryMiB));
        b = dc.AddNode("b", Resources.OfCores(4, memoryMiB));
        return dc;
    }

    private static async Task Run(SimulatedHypervisor h, string id, int vcpus = 1, int memoryMiB = 1024, int demand = 50)
    {
        await h.DefineAsync(new VmSpec(id, vcpus, memoryMiB, "img", demand));
        await h.StartAsync(id);
    }

    [Fact]
    public async Task Uniform_shape_builds_nodes_sites_and_running_vms()
    {
        var dc = new SimulatedInfrastructure { Nodes = 12, VmsPerNode = 3, Sites = 3 }.Build(_clock);
        Assert.Equal(12, dc.Hypervisors.Count);
        Assert.Equal(36, dc.VmCount);
        Assert.Equal(["site-00", "site-01", "site-02"], dc.Hypervisors.Select(h => h.Site).Distinct());
        foreach (var h in dc.Hypervisors)
            Assert.Equal(3, (await h.ListVmsAsync()).Count(v => v.State == VmState.Running));
    }

    [Fact]
    public void Seed_load_law_gives_about_85_percent_average_load()
    {
        var dc = new SimulatedInfrastructure { Nodes = 200, VmsPerNode = 10 }.Build(_clock);
        dc.StartLoadInjection(LoadLaw.Seed, seed: 7);
        var load = dc.GetTotals().MeanCpuLoad;
        Assert.Equal(0.837919, Math.Round(load, 6)); // the seed law aims at 85 %; seed 7 on 2,000 VMs draws 83.8 %
    }

    [Fact]
    public void Load_changes_follow_the_seed_rate_and_are_reproducible()
    {
        static (long changes, double load, double violation) RunOnce(int seed)
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            var dc = new SimulatedInfrastructure { Nodes = 30, VmsPerNode = 10 }.Build(clock);
            dc.StartLoadInjection(LoadLaw.Seed, seed);
            clock.Advance(TimeSpan.FromSeconds(3000));
            var t = dc.GetTotals();
            return (t.LoadChanges, t.MeanCpuLoad, t.ViolationSeconds);
        }

        var first = RunOnce(11);
        Assert.Equal(first, RunOnce(11));
        Assert.NotEqual(first, RunOnce(12));
        // 300 VMs / 300 s = 1 change per second: about 3,000 in 3,000 s (Poisson, sd ~55); seed 11 draws 3,003.
        Assert.Equal(3003, first.changes);
    }

    [Fact]
    public async Task Violation_time_is_integrated_exactly()
    {
        var dc = TwoNodes(out var a, out _);
        await Run(a, "v1", vcpus: 4, demand: 300);
        await Run(a, "v2", vcpus: 2, demand: 50);
        Assert.Equal(0, dc.GetTotals().ViolationSeconds);

        dc.SetDemand("v2", 200);                  // 300 + 200 > 400: overloaded
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10, dc.GetTotals().ViolationSecondsPerNode["a"], 6);
        dc.SetDemand("v2", 100);                  // exactly at capacity: viable
        _clock.Advance(TimeSpan.FromSeconds(5));
        var totals = dc.GetTotals();
        Assert.Equal(10, totals.ViolationSeconds, 6);
        Assert.Equal(0, totals.OverloadedNodes);
    }

    [Fact]
    public async Task Migration_holds_resources_on_both_hosts_until_it_lands()
    {
        var dc = TwoNodes(out var a, out var b);
        await Run(a, "m", memoryMiB: 1000, demand: 80);

        var migration = a.MigrateAsync("m", b);
        Assert.False(migration.IsCompleted);
        var duration = dc.MigrationDuration(1000);
        Assert.Equal(8.388608, duration.TotalSeconds, 6); // 1000 MiB at 1 Gbit/s

        var onA = Assert.Single(await a.ListVmsAsync());
        var onB = Assert.Single(await b.ListVmsAsync());
        Assert.Equal(VmState.Migrating, onA.State);
        Assert.Equal(VmState.Migrating, onB.State);
        Assert.Equal(80, onB.CpuUsage);
        Assert.Equal(1, dc.GetTotals().MigrationsInFlight);

        _clock.Advance(duration - TimeSpan.FromMilliseconds(1));
        Assert.False(migration.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await migration.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(duration, outcome.Duration);
        Assert.Empty(await a.ListVmsAsync());
        Assert.Equal(VmState.Running, Assert.Single(await b.ListVmsAsync()).State);
        Assert.Equal(1, dc.GetTotals().MigrationsCompleted);
    }

    [Fact]
    public async Task Overload_during_a_migration_counts_on_the_destination()
    {
        var dc = TwoNodes(out var a, out var b);
        await Run(a, "m", vcpus: 4, demand: 300);
        await Run(b, "resident", vcpus: 4, demand: 300);
        var migration = a.MigrateAsync("m", b);    // b holds 600 of 400 while it runs
        _clock.Advance(dc.MigrationDuration(1024));
        await migration.WaitAsync(TimeSpan.FromSeconds(30));
        var totals = dc.GetTotals();
        Assert.Equal(dc.MigrationDuration(1024).TotalSeconds, totals.ViolationSecondsPerNode["b"], 6);
        Assert.Equal(0, totals.ViolationSecondsPerNode["a"]);
        Assert.Equal(1, totals.OverloadedNodes);    // b still holds both VMs
    }

    [Fact]
    public async Task Migration_is_refused_without_memory_on_the_destination()
    {
        TwoNodes(out var a, out var b, memoryMiB: 2048);
        await Run(a, "big", memoryMiB: 1536);
        await Run(b, "resident", memoryMiB: 1024);
        var e = await Assert.ThrowsAsync<HypervisorException>(() => a.MigrateAsync("big", b));
        Assert.Equal(HypervisorErrorKind.InsufficientResources, e.Kind);
        Assert.Contains("1536 MiB", e.Message);
        Assert.Equal(VmState.Running, Assert.Single(await a.ListVmsAsync()).State);
    }

    [Fact]
    public async Task Lifecycle_operations_change_state_and_raise_events()
    {
        var dc = TwoNodes(out var a, out _);
        var events = new List<VmLifecycleEvent>();
        var crashed = new TaskCompletionSource();
        a.LifecycleChanged += e => { lock (events) events.Add(e); if (e.Kind == VmLifecycleKind.Crashed) crashed.TrySetResult(); };

        await Run(a, "x", demand: 70);
        await a.SuspendAsync("x");
        Assert.Equal((VmState.Suspended, 0), (await a.ListVmsAsync()).Select(v => (v.State, v.CpuUsage)).Single());
        await a.ResumeAsync("x");
        await a.StopAsync("x");
        Assert.Equal(VmState.Stopped, Assert.Single(await a.ListVmsAsync()).State);
        await a.StartAsync("x");
        dc.Crash("x");
        await crashed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(VmState.Crashed, Assert.Single(await a.ListVmsAsync()).State);
        await a.UndefineAsync("x");
        Assert.Empty(await a.ListVmsAsync());

        var bad = await Assert.ThrowsAsync<HypervisorException>(() => a.ResumeAsync("nobody"));
        Assert.Equal(HypervisorErrorKind.NotFound, bad.Kind);
        lock (events) Assert.Contains(events, e => e.Kind == VmLifecycleKind.Started);
    }

    [Fact]
    public async Task Invalid_transitions_and_duplicates_are_typed_errors()
    {
        TwoNodes(out var a, out var b);
        await a.DefineAsync(new VmSpec("s", 1, 512, "img"));
        Assert.Equal(HypervisorErrorKind.InvalidState, (await Assert.ThrowsAsync<HypervisorException>(() => a.SuspendAsync("s"))).Kind);
        Assert.Equal(HypervisorErrorKind.AlreadyExists, (await Assert.ThrowsAsync<HypervisorException>(() => b.DefineAsync(new VmSpec("s", 1, 512, "img")))).Kind);
        Assert.Equal(HypervisorErrorKind.InvalidDefinition, (await Assert.ThrowsAsync<HypervisorException>(() => b.DefineAsync(new VmSpec("z", 0, 512, "img")))).Kind);
    }

    [Fact]
    public async Task A_crashed_node_is_unreachable_its_vms_frozen_and_definable_elsewhere()
    {
        var dc = TwoNodes(out var a, out var b);
        await Run(a, "x", vcpus: 4, demand: 400, memoryMiB: 1024); // 4 cores of demand on a 4-core node: not overloaded
        await Run(a, "y", demand: 100, memoryMiB: 512);  // now it is
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10, dc.GetTotals().ViolationSecondsPerNode["a"]);

        dc.CrashNode("a");
        Assert.True(dc.IsDown("a"));
        foreach (var call in new Func<Task>[] { () => a.ListVmsAsync(), () => a.GetHostInfoAsync(), () => a.StartAsync("x"),
                     () => a.DefineAsync(new VmSpec("z", 1, 512, "img")) })
            Assert.Equal(HypervisorErrorKind.ConnectionFailed, (await Assert.ThrowsAsync<HypervisorException>(call)).Kind);
        Assert.Equal("[a] node a is unreachable", (await Assert.ThrowsAsync<HypervisorException>(() => a.ListVmsAsync())).Message);
        Assert.Equal(HypervisorErrorKind.InvalidState, Assert.Throws<HypervisorException>(() => dc.CrashNode("a")).Kind);

        // Its overload stops counting, its load leaves the totals, and its VMs can be defined again elsewhere.
        _clock.Advance(TimeSpan.FromSeconds(5));
        var totals = dc.GetTotals();
        Assert.Equal((10.0, 0, 0.0), (totals.ViolationSecondsPerNode["a"], totals.OverloadedNodes, totals.MeanCpuLoad));
        Assert.Equal(0, dc.VmCount);
        await Run(b, "x", demand: 50, memoryMiB: 1024);
        Assert.Equal(1, dc.VmCount);
        Assert.Equal("[b] migrate 'x': destination a is unreachable", (await Assert.ThrowsAsync<HypervisorException>(() => b.MigrateAsync("x", a))).Message);

        // Back: both copies of x exist; the one on a is a stale copy (still running, as it was), y is a's again.
        dc.RecoverNode("a");
        Assert.Equal(HypervisorErrorKind.InvalidState, Assert.Throws<HypervisorException>(() => dc.RecoverNode("a")).Kind);
        Assert.Equal([("x", VmState.Running), ("y", VmState.Running)], (await a.ListVmsAsync()).Select(v => (v.Id, v.State)));
        Assert.Equal([("x", VmState.Running)], (await b.ListVmsAsync()).Select(v => (v.Id, v.State)));
        Assert.Equal(2, dc.VmCount);
        Assert.Equal(["x"], dc.DuplicatedVms());
        Assert.Equal(1, dc.GetTotals().OverloadedNodes); // a's 500 of 400 counts again
        Assert.Equal(HypervisorErrorKind.AlreadyExists, (await Assert.ThrowsAsync<HypervisorException>(() => a.DefineAsync(new VmSpec("y", 1, 512, "img")))).Kind);

        // Removing the copy that was the VM makes the stale copy the VM: its demand is driven again.
        await b.DestroyAsync("x");
        await b.UndefineAsync("x");
        dc.SetDemand("x", 0);
        Assert.Equal([("x", 0), ("y", 100)], (await a.ListVmsAsync()).Select(v => (v.Id, v.CpuUsage)));
        Assert.Empty(dc.DuplicatedVms());
        Assert.Equal(0, dc.GetTotals().OverloadedNodes);
    }

    [Fact]
    public async Task A_node_crash_aborts_migrations_to_and_from_it_leaving_each_vm_on_its_source()
    {
        var dc = new SimulatedDatacenter(_clock, migrationBandwidthMbps: 1000);
        var a = dc.AddNode("a", Resources.OfCores(4, 8192));
        var b = dc.AddNode("b", Resources.OfCores(4, 8192));
        var c = dc.AddNode("c", Resources.OfCores(4, 8192));
        await Run(a, "out", memoryMiB: 1024);
        await Run(c, "in", memoryMiB: 1024);
        var leaving = a.MigrateAsync("out", b);
        var arriving = c.MigrateAsync("in", a);
        _clock.Advance(TimeSpan.FromSeconds(1)); // 8.4 s each

        dc.CrashNode("a");
        Assert.Equal("[a] migrate 'out': aborted, node a became unreachable", (await Assert.ThrowsAsync<HypervisorException>(() => leaving)).Message);
        Assert.Equal(HypervisorErrorKind.ConnectionFailed, (await Assert.ThrowsAsync<HypervisorException>(() => arriving)).Kind);
        _clock.Advance(TimeSpan.FromSeconds(10)); // past the due time: nothing lands
        Assert.Empty(await b.ListVmsAsync());
        Assert.Equal([("in", VmState.Running, 50)], (await c.ListVmsAsync()).Select(v => (v.Id, v.State, v.CpuUsage)));
        Assert.Equal((0L, 0), (dc.GetTotals().MigrationsCompleted, dc.GetTotals().MigrationsInFlight));
        dc.RecoverNode("a");
        Assert.Equal([("out", VmState.Running)], (await a.ListVmsAsync()).Select(v => (v.Id, v.State)));
    }

    [Fact]
    public async Task A_peek_reads_the_listing_totals_and_its_version_moves_with_vm_states_not_with_demand()
    {
        var dc = TwoNodes(out var a, out var b);
        await Run(a, "x", demand: 50);
        await Run(a, "y", demand: 70);
        var first = a.Peek();
        Assert.Equal((new Resources(120, 2048), Resources.OfCores(4, 8192), false, true, 2), (first.Demand, first.Capacity, first.Down, first.Hosting, first.Vms));

        dc.SetDemand("x", 90); // demand only
        var second = a.Peek();
        Assert.Equal(new Resources(160, 2048), second.Demand);
        Assert.Equal(first.Version, second.Version);

        dc.Crash("x"); // a state
        var crashed = a.Peek();
        Assert.Equal(second.Version + 1, crashed.Version);
        Assert.Equal(new Resources(70, 1024), crashed.Demand);

        var quietB = b.Peek().Version;
        var migration = a.MigrateAsync("y", b);
        Assert.Equal((crashed.Version + 1, quietB + 1), (a.Peek().Version, b.Peek().Version)); // y migrating on both
        Assert.Equal(new Resources(70, 1024), b.Peek().Demand);
        _clock.Advance(dc.MigrationDuration(1024));
        await migration.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((crashed.Version + 2, quietB + 2), (a.Peek().Version, b.Peek().Version)); // landed
        Assert.False(a.Peek().Hosting); // x is crashed: it holds nothing

        dc.CrashNode("b");
        Assert.True(b.Peek().Down);
    }

    [Fact]
    public async Task An_overload_within_120_s_after_a_vm_landed_is_a_re_overload_and_a_later_one_is_not()
    {
        var dc = new SimulatedDatacenter(_clock);
        var a = dc.AddNode("a", Resources.OfCores(4, 8192));
        var b = dc.AddNode("b", Resources.OfCores(4, 8192));
        var c = dc.AddNode("c", Resources.OfCores(4, 8192));
        await Run(a, "to-b", demand: 50);
        await Run(a, "to-c", demand: 50);
        await Run(b, "b-load", vcpus: 4, demand: 300);
        await Run(c, "c-load", vcpus: 4, demand: 300);
        var toB = a.MigrateAsync("to-b", b);
        var toC = a.MigrateAsync("to-c", c);
        _clock.Advance(dc.MigrationDuration(1024));
        await Task.WhenAll(toB, toC).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, dc.GetTotals().ReOverloads); // both landed at 350 of 400

        _clock.Advance(TimeSpan.FromSeconds(119));
        dc.SetDemand("b-load", 360); // b: 410 of 400, 119 s after it received
        _clock.Advance(TimeSpan.FromSeconds(2));
        dc.SetDemand("c-load", 360); // c: 410 of 400, 121 s after
        Assert.Equal(1, dc.GetTotals().ReOverloads);
        Assert.Equal(2, dc.GetTotals().OverloadedNodes);

        // Episodes: b eases and overloads again (a third), c stays overloaded (no new one).
        Assert.Equal(2, dc.GetTotals().Overloads);
        dc.SetDemand("b-load", 300);
        dc.SetDemand("b-load", 360);
        dc.SetDemand("c-load", 370);
        Assert.Equal(3, dc.GetTotals().Overloads);
    }

    [Fact]
    public void Reads_from_many_threads_leave_the_replay_exactly_as_without_them()
    {
        // The same seeded infrastructure twice on two fake clocks advanced alike; one is read from four threads at
        // every step (lock-free reads, and the replays they trigger), the other never: the ground truth is identical.
        var infrastructure = new SimulatedInfrastructure { Nodes = 64, VmsPerNode = 10, Sites = 2 };
        var quietClock = new FakeTimeProvider(_clock.GetUtcNow());
        var readClock = new FakeTimeProvider(_clock.GetUtcNow());
        var quiet = infrastructure.Build(quietClock);
        var read = infrastructure.Build(readClock);
        quiet.StartLoadInjection(LoadLaw.Seed, 7);
        read.StartLoadInjection(LoadLaw.Seed, 7);
        var nodes = read.Hypervisors;
        long listed = 0;
        for (var step = 0; step < 300; step++)
        {
            quietClock.Advance(TimeSpan.FromSeconds(1));
            readClock.Advance(TimeSpan.FromSeconds(1));
            Parallel.For(0, 4, t =>
            {
                for (var i = t; i < nodes.Count; i += 4)
                {
                    Interlocked.Add(ref listed, read.List(nodes[i].Node).Count);
                    _ = nodes[i].Peek();
                }
            });
        }
        var (q, r) = (quiet.GetTotals(), read.GetTotals());
        Assert.Equal(64 * 10 * 300L, listed);
        Assert.Equal(700, q.LoadChanges); // about 640/300 per second for 300 s; seed 7 draws 700
        Assert.Equal(q.LoadChanges, r.LoadChanges);
        Assert.Equal(q.ViolationSeconds, r.ViolationSeconds);
        Assert.Equal(q.ViolationSecondsPerNode.OrderBy(p => p.Key, StringComparer.Ordinal), r.ViolationSecondsPerNode.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(q.MeanCpuLoad, r.MeanCpuLoad);
    }
}
