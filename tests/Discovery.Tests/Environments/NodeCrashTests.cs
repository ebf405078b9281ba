using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Placement;
using Discovery.Placement.Admission;
using Discovery.Placement.Checking;
using Discovery.Scheduling;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Environments;

/// <summary>
/// Machines that crash (their hypervisor unreachable), come back, or go into maintenance, on an
/// in-process silo over the simulated hypervisor (nodes n0.. of 4 cores and 8 GiB, each with one
/// VM of no VE, v{n}-0) with the default grace period of 10 s, on a fake clock: the grace period costs no wall time.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class NodeCrashTests
{
    private static readonly TimeSpan Grace = new Discovery.Scheduling.DvmsOptions().NodeDownGrace;

    private static VmSpec Vm(string name) => new(name, 1, 512, "debian-12", 50);

    private static async Task<DvmsCluster> StartAsync(int nodes)
    {
        var c = await DvmsCluster.StartAsync(Enumerable.Range(0, nodes).Select(_ => Vms(1, 50)).ToArray(), fakeClock: new());
        await c.WaitUntilAsync(async () => (await Directory(c).NodesAsync()).Length == nodes, "every node in the directory");
        return c;
    }

    private static INodeDirectoryGrain Directory(DvmsCluster c) => c.Grains.GetGrain<INodeDirectoryGrain>(0);

    /// <summary>Every copy of every VM on the nodes that answer: (VM id, node, state).</summary>
    private static async Task<List<(string Vm, string Node, VmState State)>> Reachable(DvmsCluster c)
    {
        var copies = new List<(string, string, VmState)>();
        foreach (var h in c.Datacenter.Hypervisors.Where(h => !c.Datacenter.IsDown(h.Node)))
            copies.AddRange((await h.ListVmsAsync()).Select(v => (v.Id, h.Node, v.State)));
        return copies;
    }

    /// <summary>The independent checker on the VE's constraints over what the reachable nodes run now.</summary>
    private static async Task AssertConstraintsHold(DvmsCluster c, VeView ve)
    {
        var snapshots = new List<NodeSnapshot>();
        foreach (var node in await Directory(c).NodesAsync())
            snapshots.Add(await c.Grains.GetGrain<INodeGrain>(node).GetSnapshotAsync());
        var problem = PlacementProblem.FromSnapshots(snapshots, ve.Constraints);
        Assert.Empty(PlacementChecker.CheckPlacement(problem, problem.Vms.ToDictionary(v => v.Id, v => v.Host!)));
    }

    [Fact]
    public async Task A_crashed_node_s_ve_vms_run_elsewhere_under_their_constraints_and_its_stale_copies_go_when_it_returns()
    {
        await using var c = await StartAsync(4);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/web");
        var submitted = await ve.SubmitAsync(new VeSpec("", [Vm("web1"), Vm("web2"), Vm("web3")], [new Spread(["web1", "web2", "web3"])]));
        var hosts = submitted.Vms.ToDictionary(v => v.Name, v => v.Host!);
        var dead = hosts["web1"];
        var spare = c.Datacenter.Hypervisors.Select(h => h.Node).Single(n => !hosts.ContainsValue(n));

        var crashedAt = c.Datacenter.Clock.GetUtcNow();
        await c.Grains.GetGrain<INodeFaults>(dead).CrashNodeAsync();
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Vms.Single(v => v.Name == "web1") is { State: VmState.Running } w && w.Host != dead,
            "web1 running again away from the crashed node");

        var view = await ve.GetAsync();
        // Spread leaves one place for web1: the node that held no VM of the VE.
        Assert.Equal([("web1", spare), ("web2", hosts["web2"]), ("web3", hosts["web3"])], view.Vms.Select(v => (v.Name, v.Host!)));
        Assert.Equal(VeState.Running, view.State);
        var down = view.Transitions.Single(t => t.Vm == "web1" && t.Reason == $"node {dead} is down: placed again");
        Assert.Equal(("Running", "Stopped", dead), (down.From, down.To, down.Node));
        Assert.True(down.At - crashedAt >= Grace, $"marked down {(down.At - crashedAt).TotalSeconds} s after the crash, before the grace period");
        var status = await c.Grains.GetGrain<INodeGrain>(dead).GetStatusAsync();
        Assert.True(status.Down);
        Assert.Equal([dead], (await Directory(c).DownAsync()).AsEnumerable());
        Assert.DoesNotContain(dead, await Directory(c).NodesAsync());
        var deadIndex = dead[1..];
        var lost = Assert.Single((await c.Grains.GetGrain<IEventHubGrain>(0).RecentAsync(100)).Where(t => t.To == "Lost"));
        Assert.Equal(("", $"v{deadIndex}-0", "Running", dead, $"node {dead} marked down; the VM belongs to no VE, nothing restarts it"),
            (lost.Ve, lost.Vm, lost.From, lost.Node!, lost.Reason));
        await AssertConstraintsHold(c, view);
        Assert.Equal(view.Vms.Select(v => (v.Id, v.Host!, VmState.Running)).Order(),
            (await Reachable(c)).Where(r => r.Vm.StartsWith("alice.", StringComparison.Ordinal)).Order());

        // Back: its copy of web1 (still running there, as the machine was cut off) is destroyed; the VM of no VE stays.
        await c.Grains.GetGrain<INodeFaults>(dead).RecoverNodeAsync();
        await c.WaitUntilAsync(async () => (await Reachable(c)).Count(r => r.Vm == "alice.web.web1") == 1 && !(await Directory(c).DownAsync()).Any(),
            "the stale copy of web1 destroyed and the node back in the directory");
        var copies = await Reachable(c);
        Assert.Equal([($"v{deadIndex}-0", dead, VmState.Running)], copies.Where(r => r.Node == dead));
        Assert.Equal(copies.Count, copies.Select(r => r.Vm).Distinct().Count()); // no VM twice
        Assert.Equal(7, copies.Count);
        Assert.Contains(dead, await Directory(c).NodesAsync());
        var after = await ve.GetAsync();
        var removed = after.Transitions.Single(t => t.To == "Removed");
        Assert.Equal(("web1", "Running", dead, $"stale copy on {dead}, back after being down, destroyed: the VM runs on {spare} now"),
            (removed.Vm, removed.From, removed.Node, removed.Reason));
        Assert.Equal(view.Vms.AsEnumerable(), after.Vms);
    }

    [Fact]
    public async Task A_node_back_within_the_grace_period_changes_nothing()
    {
        await using var c = await StartAsync(2);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/calm");
        var submitted = await ve.SubmitAsync(new VeSpec("", [Vm("c1")], []));
        var host = submitted.Vms[0].Host!;
        var node = c.Grains.GetGrain<INodeGrain>(host);

        await c.Grains.GetGrain<INodeFaults>(host).CrashNodeAsync();
        await c.WaitUntilAsync(async () => (await node.GetStatusAsync()).UnreachableSince is not null, "the node seen unreachable");
        await c.Grains.GetGrain<INodeFaults>(host).RecoverNodeAsync();
        await c.WaitUntilAsync(async () => (await node.GetStatusAsync()).UnreachableSince is null, "the node seen reachable again");

        Assert.False((await node.GetStatusAsync()).Down);
        Assert.Empty(await Directory(c).DownAsync());
        var view = await ve.GetAsync();
        Assert.Equal(submitted.Vms.AsEnumerable(), view.Vms);
        Assert.Equal(submitted.Transitions.AsEnumerable(), view.Transitions);
        Assert.Equal([("alice.calm.c1", host, VmState.Running)], (await Reachable(c)).Where(r => r.Vm.StartsWith("alice.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_stopped_ve_loses_its_vms_with_the_node_and_places_them_afresh_when_started()
    {
        await using var c = await StartAsync(3);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/batch");
        var submitted = await ve.SubmitAsync(new VeSpec("", [Vm("b1"), Vm("b2")], [new Spread(["b1", "b2"])]));
        await ve.StopAsync();
        var dead = submitted.Vms[0].Host!;

        await c.Grains.GetGrain<INodeFaults>(dead).CrashNodeAsync();
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Vms[0].Host is null, "b1 without a node");
        Assert.Equal((VeState.Stopped, VmState.Stopped, $"node {dead} down"), await ve.GetAsync() is var v ? (v.State, v.Vms[0].State, v.Vms[0].Reason) : default);
        await c.Grains.GetGrain<INodeFaults>(dead).RecoverNodeAsync();
        await c.WaitUntilAsync(async () => (await Reachable(c)).All(r => r.Vm != "alice.batch.b1"), "the stopped copy of b1 destroyed");
        Assert.Equal($"stale copy on {dead}, back after being down, destroyed: the VE is Stopped", (await ve.GetAsync()).Transitions.Single(t => t.To == "Removed").Reason);

        var started = await ve.StartAsync();
        Assert.Equal(VeState.Running, started.State);
        var copies = (await Reachable(c)).Where(r => r.Vm.StartsWith("alice.", StringComparison.Ordinal)).ToList();
        Assert.Equal(started.Vms.Select(x => (x.Id, x.Host!, VmState.Running)).Order(), copies.Order());
        await AssertConstraintsHold(c, started);
    }

    [Fact]
    public async Task A_drained_node_stays_out_of_partitions_and_placements_until_undrained_and_its_ves_follow_their_vms()
    {
        await using var c = await StartAsync(3);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/app");
        var submitted = await ve.SubmitAsync(new VeSpec("", [Vm("a1"), Vm("a2")], [new Spread(["a1", "a2"])]));
        var drained = submitted.Vms[0].Host!;
        var third = c.Datacenter.Hypervisors.Select(h => h.Node).Single(n => n != drained && n != submitted.Vms[1].Host);
        var node = c.Grains.GetGrain<INodeGrain>(drained);

        await node.SetMaintenanceAsync(true);
        await c.WaitUntilAsync(async () => (await node.GetStatusAsync()).LastSnapshot is { Vms.Length: 0 } && (await c.Reservations()).Count == 0,
            "the node drained and every reservation released");
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Vms[0].Host == third, "the VE following a1 to the one node spread allows");
        Assert.Equal(new Discovery.Scheduling.ReserveReply(false, null), await c.Grains.GetGrain<IReservable>(drained).ReserveAsync("p-test"));

        var more = c.Grains.GetGrain<IVeGrain>("alice/more");
        var pending = await more.SubmitAsync(new VeSpec("", [Vm("m1")], [new Fence(["m1"], [drained])]));
        Assert.Equal((VeState.Pending, null), (pending.State, pending.Vms[0].Host));
        Assert.Equal($"alice.more.m1 may run on no node: its constraints (fence {{{drained}}}, offline {{{drained}}}) exclude all 3 nodes", pending.Reason);

        await node.SetMaintenanceAsync(false);
        await c.WaitUntilAsync(async () => (await more.GetAsync()).State == VeState.Running, "alice/more placed once the node is back");
        Assert.Equal([("alice.more.m1", drained, VmState.Running)], (await Reachable(c)).Where(r => r.Vm.StartsWith("alice.more.", StringComparison.Ordinal)));
        Assert.True((await c.Grains.GetGrain<IReservable>(drained).ReserveAsync("p-test")).Granted);
        await c.Grains.GetGrain<IReservable>(drained).ReleaseAsync("p-test", Discovery.Scheduling.PartitionOutcome.Vanished);
    }

    [Fact]
    public async Task A_vm_of_a_crashed_node_comes_back_beyond_the_ratio_at_its_expected_demand_where_admission_has_no_room()
    {
        // Admission at 1 vCPU per core: n0 runs 3 one-vCPU VMs at 85 % (1 vCPU left to allocate, 145 hundredths of a core
        // free now), n1 4 (nothing left to allocate, 60 free now).
        await using var c = await DvmsCluster.StartAsync([Vms(3, 85), Vms(4, 85)], new DvmsOptions { Admission = new AdmissionPolicy { CpuAllocationRatio = 1 } }, fakeClock: new());
        await c.WaitUntilAsync(async () => (await Directory(c).NodesAsync()).Length == 2, "both nodes in the directory");
        var ve = c.Grains.GetGrain<IVeGrain>("alice/one");
        Assert.Equal("n0", (await ve.SubmitAsync(new VeSpec("", [Vm("r1")], []))).Vms[0].Host);
        var late = c.Grains.GetGrain<IVeGrain>("alice/late");
        // r1 allocates n0's last vCPU: a new VM finds nothing left to allocate.
        Assert.Equal(VeState.Pending, (await late.SubmitAsync(new VeSpec("", [Vm("l1")], []))).State);

        await c.Grains.GetGrain<INodeFaults>("n0").CrashNodeAsync();
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Vms[0] is { State: VmState.Running, Host: "n1" }, "r1 running again on n1");
        Assert.Equal([("alice.one.r1", "n1", VmState.Running)], (await Reachable(c)).Where(r => r.Vm.StartsWith("alice.", StringComparison.Ordinal)));
        Assert.False((await ve.GetAsync()).Vms[0].Restoring);
        Assert.Equal(VeState.Pending, (await late.GetAsync()).State);
    }

    [Fact]
    public async Task A_node_grain_reactivated_while_its_node_is_down_still_destroys_the_stale_copies_when_the_node_returns()
    {
        await using var c = await StartAsync(3);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/again");
        var dead = (await ve.SubmitAsync(new VeSpec("", [Vm("g1")], []))).Vms[0].Host!;
        await c.Grains.GetGrain<INodeFaults>(dead).CrashNodeAsync();
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Vms[0] is { State: VmState.Running } g && g.Host != dead, "g1 running elsewhere");

        // The node grain loses what it knew (its silo died, say): the new activation learns from the directory.
        var node = c.Grains.GetGrain<INodeGrain>(dead);
        await c.Cluster.DeactivateAsync(node);
        Assert.True((await node.GetStatusAsync()).Down);

        await c.Grains.GetGrain<INodeFaults>(dead).RecoverNodeAsync();
        await c.WaitUntilAsync(async () => (await Reachable(c)).Count(r => r.Vm == "alice.again.g1") == 1, "the stale copy of g1 destroyed");
        Assert.Equal([$"v{dead[1..]}-0"], (await Reachable(c)).Where(r => r.Node == dead).Select(r => r.Vm));
        Assert.False((await node.GetStatusAsync()).Down);
    }
}
