using System.Collections.Concurrent;
using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Placement.Admission;
using Discovery.Scheduling;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Discovery.Validation;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Environments;

/// <summary>
/// VEs on an in-process silo over the simulated hypervisor (nodes n0..n3 of 4 cores and 8 GiB):
/// every assertion reads the VE grain and the ground truth of the hypervisors. The silo runs on a fake clock (crash backoffs
/// and retries cost no wall time).
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class VeGrainTests
{
    private static VmSpec Vm(string name, int vcpus = 1, int memoryMiB = 512) => new(name, vcpus, memoryMiB, "debian-12", 50);

    private static async Task<DvmsCluster> StartAsync(int[][] vms)
    {
        // Admission at 1 vCPU per core, so that a few VMs fill a node (the ratio itself: AdmissionTests).
        var c = await DvmsCluster.StartAsync(vms, new DvmsOptions { Admission = new AdmissionPolicy { CpuAllocationRatio = 1 } }, fakeClock: new());
        await c.WaitUntilAsync(async () => (await c.Grains.GetGrain<INodeDirectoryGrain>(0).NodesAsync()).Length == vms.Length, "every node in the directory");
        return c;
    }

    /// <summary>VM id to (node, state), from the hypervisors.</summary>
    private static async Task<Dictionary<string, (string Node, VmState State)>> GroundTruth(DvmsCluster c)
    {
        var truth = new Dictionary<string, (string, VmState)>();
        foreach (var h in c.Datacenter.Hypervisors)
            foreach (var vm in await h.ListVmsAsync())
                truth[vm.Id] = (h.Node, vm.State);
        return truth;
    }

    [Fact]
    public async Task A_submitted_ve_is_placed_under_its_constraints_and_runs()
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100), Vms(2, 100), Vms(2, 100)]);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/web");

        var view = await ve.SubmitAsync(new VeSpec("web", [Vm("web1"), Vm("web2"), Vm("web3")], [new Spread(["web1", "web2", "web3"])]));

        Assert.Equal(VeState.Running, view.State);
        Assert.Null(view.Reason);
        Assert.Equal(["alice.web.web1", "alice.web.web2", "alice.web.web3"], view.Vms.Select(v => v.Id));
        Assert.Equal(3, view.Vms.Select(v => v.Host).Distinct().Count());
        var truth = await GroundTruth(c);
        foreach (var vm in view.Vms) Assert.Equal((vm.Host!, VmState.Running), truth[vm.Id]);
        Assert.Equal(["alice.web.web1", "alice.web.web2", "alice.web.web3"], Assert.IsType<Spread>(Assert.Single(view.Constraints)).Vms.AsEnumerable());
        Assert.Equal([new VeSummary("alice/web", VeState.Running)], (await c.Grains.GetGrain<IVeDirectoryGrain>(0).ListAsync()).AsEnumerable());
        Assert.Equal(["none->Pending", "Pending->Running"],
            view.Transitions.Where(t => t.Vm is null).Select(t => $"{t.From}->{t.To}"));
    }

    [Fact]
    public async Task A_vm_starts_in_the_simulated_datacentre_at_its_declared_cpu_and_at_all_its_vcpus_without_one()
    {
        // Nodes of 4 cores each running one VM at 100: room on any of them for a 2-vCPU VM reserved at its full 200.
        await using var c = await StartAsync([Vms(1, 100), Vms(1, 100), Vms(1, 100), Vms(1, 100)]);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/cpu");

        var view = await ve.SubmitTextAsync("half : {vcpus: 2, memory: 1GiB, cpu: 50%};\nfull : {vcpus: 2, memory: 1GiB};\n", "cpu.ve");

        Assert.Equal(VeState.Running, view.State);
        Assert.Equal([("half", 100), ("full", 200)], view.Vms.Select(v => (v.Name, v.Spec.CpuDemand)));
        var started = new Dictionary<string, (string Node, int CpuUsage)>();
        foreach (var h in c.Datacenter.Hypervisors)
            foreach (var vm in await h.ListVmsAsync())
                if (vm.Id.StartsWith("alice.", StringComparison.Ordinal)) started[vm.Id] = (h.Node, vm.CpuUsage);
        Assert.Equal(new Dictionary<string, (string, int)>
        {
            ["alice.cpu.half"] = (view.Vms[0].Host!, 100),
            ["alice.cpu.full"] = (view.Vms[1].Host!, 200),
        }, started);
    }

    public static TheoryData<string, VeSpec, string> InvalidSpecs() => new()
    {
        { "alice/empty", new VeSpec("", [], []), "vms: a VE needs at least one VM" },
        { "alice/dup", new VeSpec("", [Vm("a"), Vm("a")], []), "vms[1].id: duplicate VM id 'a' (already used by vms[0])" },
        { "alice/badname", new VeSpec("", [Vm("Web_1")], []), "vms[0].id: 'Web_1' must be letters, digits and '-' (at most 63), starting with a letter or digit" },
        { "alice/noid", new VeSpec("", [Vm("")], []), "vms[0].id: must not be empty" },
        { "alice/cpus", new VeSpec("", [Vm("a", vcpus: 0)], []), "vms[0].vcpus: must be positive, got 0" },
        { "alice/mem", new VeSpec("", [Vm("a", memoryMiB: -1)], []), "vms[0].memoryMiB: must be positive, got -1" },
        { "alice/demand", new VeSpec("", [new VmSpec("a", 1, 512, "img", 150)], []), "vms[0].cpuDemand: must be within 0..100 (100 per vCPU), got 150" },
        { "alice/image", new VeSpec("", [new VmSpec("a", 1, 512, "", 0)], []), "vms[0].image: must not be empty" },
        { "alice/huge", new VeSpec("", [Vm("a", vcpus: 8)], []), "vms[0].vcpus: 8 is more than the largest node's 4 cores" },
        { "alice/unknownvm", new VeSpec("", [Vm("a")], [new Spread(["a", "b"])]), "constraints[0](spread).vms: unknown VM 'b' (not in this VE)" },
        { "alice/unknownnode", new VeSpec("", [Vm("a")], [new Ban(["a"], ["n9"])]), "constraints[0](ban).nodes: unknown node 'n9'" },
        { "alice/emptyfence", new VeSpec("", [Vm("a")], [new Fence(["a"], [])]), "constraints[0](fence).nodes: node set must not be empty" },
        { "alice/nogroups", new VeSpec("", [Vm("a")], [new Latency(["a"], [])]), "constraints[0](latency).groups: must name at least one node group" },
        { "alice/novms", new VeSpec("", [Vm("a")], [new Gather([])]), "constraints[0](gather).vms: must name at least one VM" },
        { "alice/mismatch", new VeSpec("other", [Vm("a")], []), "id: 'other' does not match the VE it is submitted as ('alice/mismatch')" },
        { "Alice/caps", new VeSpec("", [Vm("a")], []), "id: 'Alice/caps' is not tenant/name, each of lowercase letters, digits and '-' (at most 63)" },
        { "notenant", new VeSpec("", [Vm("a")], []), "id: 'notenant' is not tenant/name, each of lowercase letters, digits and '-' (at most 63)" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public async Task An_invalid_spec_is_refused_with_the_field_named_and_nothing_is_stored(string key, VeSpec spec, string expected)
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100)]);
        var before = (await GroundTruth(c)).Keys.Order().ToList();

        var e = await Assert.ThrowsAsync<InvalidSpecException>(() => c.Grains.GetGrain<IVeGrain>(key).SubmitAsync(spec));

        Assert.Contains(expected, e.Problems.Select(p => p.ToString()));
        Assert.Equal(before, (await GroundTruth(c)).Keys.Order());
        Assert.Empty(await c.Grains.GetGrain<IVeDirectoryGrain>(0).ListAsync());
        Assert.Empty(await c.Grains.GetGrain<IConstraintDirectoryGrain>(0).AllAsync());
        await Assert.ThrowsAsync<VeRefusedException>(() => c.Grains.GetGrain<IVeGrain>(key).GetAsync());
    }

    [Fact]
    public async Task A_ve_with_no_room_is_pending_with_the_reason_and_placed_when_another_is_deleted()
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100), Vms(2, 100), Vms(2, 100)]);
        var filler = c.Grains.GetGrain<IVeGrain>("bob/filler");
        Assert.Equal(VeState.Running, (await filler.SubmitAsync(new VeSpec("",
            [Vm("f1", 2), Vm("f2", 2), Vm("f3", 2), Vm("f4", 2)], [new Spread(["f1", "f2", "f3", "f4"])]))).State);

        var big = c.Grains.GetGrain<IVeGrain>("alice/big");
        var pending = await big.SubmitAsync(new VeSpec("", [Vm("big1", 2)], []));
        Assert.Equal(VeState.Pending, pending.State);
        Assert.NotNull(pending.Reason);
        Assert.Contains("alice.big.big1", pending.Reason);
        Assert.Null(pending.Vms.Single().Host);

        await filler.DeleteAsync();
        await c.WaitUntilAsync(async () => (await big.GetAsync()).State == VeState.Running, "alice/big placed once bob/filler was deleted");
        var placed = await big.GetAsync();
        Assert.Equal((placed.Vms[0].Host!, VmState.Running), (await GroundTruth(c))["alice.big.big1"]);
        Assert.DoesNotContain(await GroundTruth(c), t => t.Key.StartsWith("bob.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operations_are_context_switches_idempotent_and_refused_when_meaningless()
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100)]);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/app");
        var view = await ve.SubmitAsync(new VeSpec("", [Vm("a"), Vm("b")], []));
        Assert.Equal(VeState.Running, view.State);

        async Task Expect(VeState ve_, VmState vms)
        {
            var v = await ve.GetAsync();
            Assert.Equal(ve_, v.State);
            var truth = await GroundTruth(c);
            Assert.All(v.Vms, vm => Assert.Equal((vm.Host!, vms), truth[vm.Id]));
        }

        await ve.StopAsync();
        await Expect(VeState.Stopped, VmState.Stopped);
        var transitions = (await ve.GetAsync()).Transitions.Length;
        await ve.StopAsync(); // already stopped: nothing happens
        Assert.Equal(transitions, (await ve.GetAsync()).Transitions.Length);
        var refused = await Assert.ThrowsAsync<VeRefusedException>(() => ve.SuspendAsync());
        Assert.Equal("Suspend alice/app: the VE is Stopped: only a running VE can be suspended", refused.Message);
        Assert.Equal("Resume alice/app: the VE is stopped: start it", (await Assert.ThrowsAsync<VeRefusedException>(() => ve.ResumeAsync())).Message);

        await ve.StartAsync();
        await Expect(VeState.Running, VmState.Running);
        await ve.SuspendAsync();
        await Expect(VeState.Suspended, VmState.Suspended);
        await ve.ResumeAsync();
        await Expect(VeState.Running, VmState.Running);

        await ve.DeleteAsync();
        Assert.Equal(VeState.Deleted, (await ve.GetAsync()).State);
        Assert.DoesNotContain(await GroundTruth(c), t => t.Key.StartsWith("alice.", StringComparison.Ordinal));
        await ve.DeleteAsync(); // idempotent
        Assert.Empty(await c.Grains.GetGrain<IConstraintDirectoryGrain>(0).AllAsync());
        Assert.Equal("Start alice/app: the VE was deleted: submit it again", (await Assert.ThrowsAsync<VeRefusedException>(() => ve.StartAsync())).Message);
    }

    [Fact]
    public async Task A_crashed_vm_is_restarted_on_its_node_and_a_crash_loop_fails_the_ve()
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100)]);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/db");
        var host = (await ve.SubmitAsync(new VeSpec("", [Vm("db1")], []))).Vms.Single().Host!;
        var faults = c.Grains.GetGrain<INodeFaults>(host);

        for (var crash = 1; crash <= 2; crash++)
        {
            await faults.CrashVmAsync("alice.db.db1");
            var restarts = crash;
            await c.WaitUntilAsync(async () => (await ve.GetAsync()).Transitions.Count(t => t.Reason == "restarted after a crash") == restarts,
                $"restart number {crash}");
            Assert.Equal((host, VmState.Running), (await GroundTruth(c))["alice.db.db1"]);
        }
        await faults.CrashVmAsync("alice.db.db1");
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).State == VeState.Failed, "the VE failed after a third crash");

        var failed = await ve.GetAsync();
        Assert.Equal($"db1 crashed 3 times within 5 min (last on {host}); start the VE to try again", failed.Reason);
        Assert.Equal(VmState.Crashed, failed.Vms.Single().State);
        await ve.StartAsync();
        Assert.Equal(VeState.Running, (await ve.GetAsync()).State);
        Assert.Equal((host, VmState.Running), (await GroundTruth(c))["alice.db.db1"]);
    }

    [Fact]
    public async Task Transitions_reach_subscribers_and_the_state_survives_a_reactivation()
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100)]);
        var received = new ConcurrentQueue<VeTransition>();
        var observer = c.Cluster.Client.CreateObjectReference<IVeEventObserver>(new Collector(received));
        await c.Grains.GetGrain<IEventHubGrain>(0).SubscribeAsync(observer);

        var ve = c.Grains.GetGrain<IVeGrain>("alice/svc");
        var submitted = await ve.SubmitAsync(new VeSpec("", [Vm("s1"), Vm("s2")], []));
        // Observers are best effort and unordered across messages: wait for all four, then check them.
        await c.WaitUntilAsync(() => received.Count == 4, "the VE's and the VMs' transitions received");
        Assert.Equal(["none->Pending", "Pending->Running"], received.Where(t => t.Vm is null).Select(t => $"{t.From}->{t.To}"));
        Assert.Equal(["s1:Stopped->Running", "s2:Stopped->Running"],
            received.Where(t => t.Vm is not null).Select(t => $"{t.Vm}:{t.From}->{t.To}").Order());

        await c.Cluster.DeactivateAsync(ve);
        var again = await ve.GetAsync();
        Assert.Equal(submitted.State, again.State);
        Assert.Equal(submitted.Vms.AsEnumerable(), again.Vms);
        Assert.Equal(submitted.Transitions.AsEnumerable(), again.Transitions);
    }

    [Fact]
    public async Task A_reactivated_ve_reconciles_with_the_hypervisors_restarting_what_went_missing()
    {
        await using var c = await StartAsync([Vms(2, 100), Vms(2, 100)]);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/rec");
        var submitted = await ve.SubmitAsync(new VeSpec("", [Vm("r1"), Vm("r2")], []));
        var lost = submitted.Vms.Single(v => v.Name == "r2");
        var other = submitted.Vms.Single(v => v.Name == "r1");
        await c.FakeClock!.AdvanceAsync(FakeClockDriver.Step); // time passes before the loss: a transition after it is later than the submission's
        // While the VE grain is away (its silo died), r2 disappears from its node and r1 is powered off.
        var hypervisor = c.Datacenter.Hypervisors.Single(h => h.Node == lost.Host);
        await c.Cluster.DeactivateAsync(ve);
        await hypervisor.DestroyAsync(lost.Id);
        await hypervisor.UndefineAsync(lost.Id);
        await c.Datacenter.Hypervisors.Single(h => h.Node == other.Host).DestroyAsync(other.Id);

        await ve.GetAsync(); // reactivates it
        await c.WaitUntilAsync(async () => (await ve.GetAsync()) is { State: VeState.Running, Operation: null } v && v.Vms.All(x => x.State == VmState.Running),
            "both VMs running again");

        var truth = await GroundTruth(c);
        var after = await ve.GetAsync();
        foreach (var vm in after.Vms) Assert.Equal((vm.Host!, VmState.Running), truth[vm.Id]);
        Assert.Equal(other.Host, after.Vms.Single(v => v.Name == "r1").Host); // started where it was
        Assert.Contains(after.Transitions, t => t.Vm == "r2" && t.Reason == "missing from every hypervisor: placed again");
        Assert.Contains(after.Transitions, t => t.Vm == "r2" && t.Reason == "placed and started" && t.At > submitted.Transitions[^1].At);
        Assert.Contains(after.Transitions, t => t.Vm == "r1" && t.From == "Stopped" && t.To == "Running" && t.Reason == "found Stopped when reconciling: started");
    }

    [Fact]
    public async Task A_move_from_a_node_the_ve_does_not_record_is_a_stale_copy_and_never_moves_the_vm()
    {
        await using var c = await StartAsync([Vms(1, 100), Vms(1, 100), Vms(1, 100)]);
        var ve = c.Grains.GetGrain<IVeGrain>("alice/mv");
        var vm = (await ve.SubmitAsync(new VeSpec("", [Vm("m1")], []))).Vms[0];
        var others = c.Datacenter.Hypervisors.Select(h => h.Node).Where(n => n != vm.Host).ToList();

        // A scheduler reports a copy of m1 moved from a node where the VE does not record it (a stale copy).
        await ve.VmMovedAsync(vm.Id, others[0], others[1]); // one-way: wait for its outcome
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Transitions.Any(t => t.To == "Removed"), "the report handled");
        var after = await ve.GetAsync();
        Assert.Equal(vm, after.Vms[0]);
        var removed = after.Transitions[^1];
        Assert.Equal(("m1", "Running", "Removed", others[1], $"stale copy on {others[1]}, back after being down, destroyed: the VM runs on {vm.Host} now"),
            (removed.Vm, removed.From, removed.To, removed.Node, removed.Reason));

        // A real move (from where the VE records it) is followed.
        await ve.VmMovedAsync(vm.Id, vm.Host!, others[0]);
        await c.WaitUntilAsync(async () => (await ve.GetAsync()).Vms[0].Host == others[0], "the move followed");
        Assert.Equal("migrated by a scheduler", (await ve.GetAsync()).Transitions[^1].Reason);
    }

    private sealed class Collector(ConcurrentQueue<VeTransition> received) : IVeEventObserver
    {
        public void OnTransition(VeTransition transition) => received.Enqueue(transition);

        public void OnPartition(Discovery.Scheduling.PartitionNotice notice) { }

        public void OnAudit(Discovery.Security.AuditEntry entry) { }
    }
}
