using Discovery.Environments;
using Discovery.Model;

namespace Discovery.Tests.Environments;

/// <summary>Reconciling a VE with what the hypervisors run, as a decision: the steps, in order, for each situation.</summary>
public sealed class VeReconciliationTests
{
    private const string Ve = "alice/web";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Id(string vm) => $"alice.web.{vm}";

    private static VeVm Vm(string name, string? host, VmState state = VmState.Running) =>
        new(name, new VmSpec(Id(name), 1, 512, "debian-12"), state, host);

    /// <summary>A node's snapshot listing (hypervisor id, state) on it.</summary>
    private static NodeSnapshot Node(string node, params (string Id, VmState State)[] vms) =>
        new(node, "rennes", new Resources(4, 8192), [.. vms.Select(v => new VmSnapshot(v.Id, v.State, 1, 512, 1, node))], false, T0);

    private static IReadOnlyList<ReconcileAction> Decide(VeVm[] vms, NodeSnapshot[] answered, params string[] down) =>
        VeReconciliation.Decide(Ve, vms, answered, down.ToHashSet());

    [Fact]
    public void A_vm_running_where_recorded_is_followed_and_nothing_else()
    {
        var actions = Decide([Vm("web1", "n1")], [Node("n1", (Id("web1"), VmState.Running))]);
        Assert.Equal([new FollowVm(Id("web1"), "n1", VmState.Running, Moved: false)], actions);
        Assert.False(((FollowVm)actions[0]).Start);
    }

    [Fact]
    public void A_vm_running_elsewhere_than_recorded_is_followed_there()
    {
        Assert.Equal([new FollowVm(Id("web1"), "n2", VmState.Running, Moved: true)],
            Decide([Vm("web1", "n1")], [Node("n1"), Node("n2", (Id("web1"), VmState.Running))]));
    }

    [Theory]
    [InlineData(VmState.Stopped, true)]
    [InlineData(VmState.Crashed, true)]
    [InlineData(VmState.Suspended, false)]
    public void A_vm_found_stopped_or_crashed_is_started(VmState found, bool start)
    {
        var follow = Assert.IsType<FollowVm>(Assert.Single(Decide([Vm("web1", "n1")], [Node("n1", (Id("web1"), found))])));
        Assert.Equal((found, start), (follow.Observed, follow.Start));
    }

    [Fact]
    public void A_second_copy_is_removed_before_the_recorded_one_is_followed()
    {
        Assert.Equal([new RemoveCopy(Id("web1"), "n2", VmState.Running), new FollowVm(Id("web1"), "n1", VmState.Stopped, Moved: false)],
            Decide([Vm("web1", "n1")], [Node("n1", (Id("web1"), VmState.Stopped)), Node("n2", (Id("web1"), VmState.Running))]));
    }

    [Fact]
    public void With_no_copy_where_recorded_the_running_copy_is_kept()
    {
        Assert.Equal([new RemoveCopy(Id("web1"), "n2", VmState.Stopped), new FollowVm(Id("web1"), "n3", VmState.Running, Moved: true)],
            Decide([Vm("web1", "n1")], [Node("n1"), Node("n2", (Id("web1"), VmState.Stopped)), Node("n3", (Id("web1"), VmState.Running))]));
    }

    [Fact]
    public void A_vm_missing_from_every_hypervisor_is_lost()
    {
        Assert.Equal([new LoseVm(Id("web1"), "missing from every hypervisor")], Decide([Vm("web1", "n1")], [Node("n1"), Node("n2")]));
    }

    [Fact]
    public void A_vm_on_a_node_down_is_lost()
    {
        Assert.Equal([new LoseVm(Id("web1"), "node n1 is down")], Decide([Vm("web1", "n1")], [Node("n2")], "n1"));
    }

    [Fact]
    public void A_vm_whose_node_did_not_answer_is_left_alone()
    {
        // n1 neither answered nor is known down: the VM may still run there.
        Assert.Empty(Decide([Vm("web1", "n1"), Vm("web2", null, VmState.Stopped)], [Node("n2")]));
    }

    [Fact]
    public void A_copy_listed_by_a_node_other_than_its_host_is_not_a_copy()
    {
        // A migrating VM is listed by its destination with its source as host: only the host's listing counts.
        var n2 = Node("n2") with { Vms = [new VmSnapshot(Id("web1"), VmState.Migrating, 1, 512, 1, "n1")] };
        Assert.Equal([new LoseVm(Id("web1"), "missing from every hypervisor")], Decide([Vm("web1", "n1")], [Node("n1"), n2]));
    }

    [Fact]
    public void A_vm_with_the_ve_prefix_that_is_not_one_of_its_vms_is_reported_after_the_vms()
    {
        var actions = Decide([Vm("web1", "n1")],
            [Node("n1", (Id("web1"), VmState.Running), (Id("old"), VmState.Running), ("alice.db.db1", VmState.Running)), Node("n2", (Id("old"), VmState.Stopped))]);
        Assert.Equal(2, actions.Count);
        Assert.Equal(new FollowVm(Id("web1"), "n1", VmState.Running, Moved: false), actions[0]);
        var unknown = Assert.IsType<ReportUnknown>(actions[1]);
        Assert.Equal((Id("old"), "n1, n2"), (unknown.VmId, string.Join(", ", unknown.Nodes)));
    }

    [Fact]
    public void Each_vm_gets_its_own_steps_in_the_ves_order()
    {
        Assert.Equal(
            [new LoseVm(Id("web1"), "node n9 is down"), new FollowVm(Id("web2"), "n1", VmState.Running, Moved: false), new LoseVm(Id("web3"), "missing from every hypervisor")],
            Decide([Vm("web1", "n9"), Vm("web2", "n1"), Vm("web3", "n1")], [Node("n1", (Id("web2"), VmState.Running))], "n9"));
    }
}
