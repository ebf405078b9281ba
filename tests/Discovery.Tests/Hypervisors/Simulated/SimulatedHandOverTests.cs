using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Hypervisors.Simulated;

/// <summary>
/// The simulated datacentres of two silos: a VM handed over from one to the other (what the node grains carry between
/// silos, called directly here), and slices of one infrastructure that replay, together, one datacentre's workload.
/// </summary>
public sealed class SimulatedHandOverTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The destination's side, without a grain in between.</summary>
    private sealed class Direct(SimulatedHypervisor destination) : IIncomingVms
    {
        public Task AcceptAsync(IncomingVm vm) { destination.Accept(vm); return Task.CompletedTask; }
        public Task LandAsync(IncomingVm vm) { destination.Land(vm); return Task.CompletedTask; }
        public Task DropAsync(string vmId) { destination.Drop(vmId); return Task.CompletedTask; }
    }

    private (SimulatedDatacenter Paris, SimulatedHypervisor A, SimulatedDatacenter Lyon, SimulatedHypervisor B) TwoSilos(int lyonMemoryMiB = 8192)
    {
        var paris = new SimulatedDatacenter(_clock);
        var lyon = new SimulatedDatacenter(_clock);
        return (paris, paris.AddNode("a", Resources.OfCores(4, 8192), "paris"), lyon, lyon.AddNode("b", Resources.OfCores(4, lyonMemoryMiB), "lyon"));
    }

    [Fact]
    public async Task A_vm_handed_over_holds_resources_on_both_sides_until_it_lands_there_then_leaves_here_with_its_demand()
    {
        var (paris, a, lyon, b) = TwoSilos();
        await a.DefineAsync(new VmSpec("m", 1, 1000, "img", 80));
        await a.StartAsync("m");

        var migration = a.MigrateAsync("m", new MigrationTarget("b", Remote: new Direct(b)));
        var duration = paris.MigrationDuration(1000);
        Assert.Equal(VmState.Migrating, Assert.Single(await a.ListVmsAsync()).State);
        var held = Assert.Single(await b.ListVmsAsync());
        Assert.Equal((VmState.Migrating, 80, 1000), (held.State, held.CpuUsage, held.MemoryMiB));
        Assert.Equal(1, paris.GetTotals().MigrationsInFlight);
        paris.SetDemand("m", 30); // a change in flight goes with the VM

        _clock.Advance(duration - TimeSpan.FromMilliseconds(1));
        Assert.False(migration.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await migration.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((duration, "a", "b"), (outcome.Duration, outcome.From, outcome.To));
        Assert.Empty(await a.ListVmsAsync());
        var landed = Assert.Single(await b.ListVmsAsync());
        Assert.Equal((VmState.Running, 30), (landed.State, landed.CpuUsage));
        Assert.Equal((0, 1), (paris.VmCount, lyon.VmCount));
        Assert.Equal((0L, 1L), (paris.GetTotals().MigrationsCompleted, lyon.GetTotals().MigrationsCompleted)); // counted where it landed
        Assert.Equal(30, lyon.GetTotals().MeanCpuLoad * 400, 6);
    }

    [Fact]
    public async Task A_hand_over_the_destination_refuses_leaves_the_vm_running_where_it_was_and_holds_nothing_there()
    {
        var (paris, a, lyon, b) = TwoSilos(lyonMemoryMiB: 512);
        await a.DefineAsync(new VmSpec("m", 1, 1000, "img", 80));
        await a.StartAsync("m");

        var e = await Assert.ThrowsAsync<HypervisorException>(() => a.MigrateAsync("m", new MigrationTarget("b", Remote: new Direct(b))));
        Assert.Equal("[b] migrate 'm' to b: needs 1000 MiB, node has 512 MiB free", e.Message);
        var vm = Assert.Single(await a.ListVmsAsync());
        Assert.Equal((VmState.Running, 80), (vm.State, vm.CpuUsage));
        Assert.Empty(await b.ListVmsAsync());
        Assert.Equal(0, paris.GetTotals().MigrationsInFlight);
        Assert.Equal(0, lyon.GetTotals().MeanCpuLoad);
    }

    [Fact]
    public async Task A_source_that_crashes_mid_flight_aborts_the_hand_over_at_once_and_the_destination_holds_nothing()
    {
        var (paris, a, lyon, b) = TwoSilos();
        await a.DefineAsync(new VmSpec("m", 1, 1000, "img", 80));
        await a.StartAsync("m");
        var migration = a.MigrateAsync("m", new MigrationTarget("b", Remote: new Direct(b)));
        Assert.Single(await b.ListVmsAsync());

        paris.CrashNode("a"); // no clock advance: the abort does not wait for the due time
        var e = await Assert.ThrowsAsync<HypervisorException>(() => migration.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("[a] migrate 'm': aborted, node a became unreachable", e.Message);
        Assert.Empty(await b.ListVmsAsync());
        Assert.Equal(0, lyon.GetTotals().MeanCpuLoad);
        paris.RecoverNode("a");
        var back = Assert.Single(await a.ListVmsAsync());
        Assert.Equal((VmState.Running, 80), (back.State, back.CpuUsage));
        Assert.Equal(0, paris.GetTotals().ViolationSeconds);
    }

    [Fact]
    public async Task A_vm_of_the_same_id_defined_there_meanwhile_refuses_the_landing_and_the_source_keeps_its_own()
    {
        var (paris, a, lyon, b) = TwoSilos();
        var c = lyon.AddNode("c", Resources.OfCores(4, 8192), "lyon");
        await a.DefineAsync(new VmSpec("m", 1, 1000, "img", 80));
        await a.StartAsync("m");
        var migration = a.MigrateAsync("m", new MigrationTarget("b", Remote: new Direct(b)));
        await Assert.ThrowsAsync<HypervisorException>(() => a.SuspendAsync("m")); // no operation while it is in flight
        await c.DefineAsync(new VmSpec("m", 1, 1000, "img", 10)); // a copy, say by its VE

        _clock.Advance(paris.MigrationDuration(1000));
        var e = await Assert.ThrowsAsync<HypervisorException>(() => migration.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("[b] migrate 'm' to b: a VM with that id was defined meanwhile", e.Message);
        Assert.Empty(await b.ListVmsAsync()); // what b held is dropped
        var kept = Assert.Single(await a.ListVmsAsync());
        Assert.Equal((VmState.Running, 80), (kept.State, kept.CpuUsage));
        Assert.Equal(0, paris.GetTotals().MigrationsInFlight);
    }

    [Fact]
    public async Task Slices_of_one_infrastructure_replay_together_the_workload_of_one_datacentre_that_holds_it_all()
    {
        var whole = new SimulatedInfrastructure { Nodes = 8, VmsPerNode = 4, Sites = 4, NodeCores = 2, Seed = 7 };
        var one = whole.Build(_clock);
        whole.StartLoadInjection(one);
        var slices = Enumerable.Range(0, 2).Select(i => whole with { Slice = i, Slices = 2 }).Select(s =>
        {
            var dc = s.Build(_clock);
            s.StartLoadInjection(dc);
            return dc;
        }).ToList();
        Assert.Equal(["node-0000", "node-0001", "node-0002", "node-0003"], slices[0].Hypervisors.Select(h => h.Node));
        Assert.Equal(["site-02", "site-03"], slices[1].Hypervisors.Select(h => h.Site).Distinct());
        Assert.Equal(["vm-00016", "vm-00017", "vm-00018", "vm-00019"], (await slices[1]["node-0004"].ListVmsAsync()).Select(v => v.Id));

        _clock.Advance(TimeSpan.FromSeconds(3600));
        var all = one.GetTotals();
        var parts = slices.Select(s => s.GetTotals()).ToList();
        Assert.Equal(25944.037, Math.Round(all.ViolationSeconds, 3)); // the workload overloads nodes (seed 7): the comparisons below are not of zeros
        Assert.Equal(all.LoadChanges, parts.Sum(p => p.LoadChanges));
        foreach (var (node, seconds) in all.ViolationSecondsPerNode)
            Assert.Equal(seconds, parts.Single(p => p.ViolationSecondsPerNode.ContainsKey(node)).ViolationSecondsPerNode[node]);
        var combined = DatacenterTotals.Combine(parts);
        Assert.Equal(all.ViolationSeconds, combined.ViolationSeconds, 9);
        Assert.Equal(all.MeanCpuLoad, combined.MeanCpuLoad, 9);
    }

    [Fact]
    public void A_slice_beyond_the_sites_is_refused_naming_both()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedInfrastructure { Nodes = 8, Sites = 2, Slices = 3 }.Build(_clock));
        Assert.StartsWith("slice 0 of 3: needs 0 <= Slice < Slices <= Sites (2)", e.Message);
    }
}
