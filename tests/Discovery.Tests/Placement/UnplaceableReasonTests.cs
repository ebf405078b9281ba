using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

/// <summary>Why new VMs cannot be placed, with exact messages; CP-SAT confirms each problem has no solution.</summary>
public sealed class UnplaceableReasonTests
{
    private static IReadOnlyList<string> Explain(PlacementProblem problem)
    {
        var cpsat = new CpSatPlacementSolver().Solve(problem, new SolverOptions(TimeSpan.FromSeconds(10)));
        Assert.Equal(PlacementStatus.NoSolution, cpsat.Status);
        var reasons = UnplaceableReason.Explain(problem);
        Assert.Equal(string.Join("; ", reasons), cpsat.Detail);
        return reasons;
    }

    [Fact]
    public void A_vm_no_allowed_node_has_room_for_names_the_excluded_nodes_and_the_roomiest_allowed_one()
    {
        // n3 has 1 vCPU / 7 GiB free, n4 2.5 vCPU / 16 GiB: n4 comes closer to web2's 4 vCPU / 8 GiB.
        var problem = new Problems().Node("n1", 8, 16384).Node("n2", 8, 16384).Node("n3").Node("n4", 4, 20480)
            .Vm("r3", "n3", 300, 1024, pinned: true).Vm("r4", "n4", 150, 4096, pinned: true)
            .New("web1", 100).New("web2", 400, 8192)
            .With(new Ban(Of("web2"), Of("n1", "n2")))
            .Build();

        Assert.Equal(new[] { "web2 needs 4 vCPU / 8 GiB; no node outside {n1, n2} has it: CPU is short on every one; the roomiest has 2.5 vCPU / 16 GiB free (n4)" }, Explain(problem));
    }

    [Fact]
    public void A_vm_fenced_on_few_nodes_names_them()
    {
        var problem = new Problems().Node("n1").Node("n2").Node("n3").Node("n4")
            .Vm("r1", "n1", 350, 512, pinned: true)
            .New("db", 100, 512)
            .With(new Fence(Of("db"), Of("n1")))
            .Build();

        Assert.Equal(new[] { "db needs 1 vCPU / 512 MiB; none of {n1} has it: CPU is short on every one; the roomiest has 0.5 vCPU / 7.5 GiB free (n1)" }, Explain(problem));
    }

    [Fact]
    public void A_vm_its_constraints_allow_nowhere_names_those_constraints()
    {
        var problem = new Problems().Node("n1").Node("n2").Node("n3")
            .New("web1", 100)
            .With(new Spread(Of("web1")))
            .With(new Fence(Of("web1"), Of("n1")))
            .With(new Ban(Of("web1"), Of("n1")))
            .Build();

        Assert.Equal(new[] { "web1 may run on no node: its constraints (fence {n1}, ban {n1}) exclude all 3 nodes" }, Explain(problem));
    }

    [Fact]
    public void A_spread_with_too_few_allowed_nodes_with_room_says_how_many()
    {
        var problem = new Problems().Node("n1").Node("n2").Node("n3").Node("n4")
            .Vm("r3", "n3", 400, pinned: true)
            .New("web1", 100).New("web2", 100).New("web3", 100)
            .With(new Fence(Of("web1", "web2", "web3"), Of("n1", "n2", "n3")))
            .With(new Spread(Of("web1", "web2", "web3")))
            .Build();

        Assert.Equal(new[] { "spread(web1, web2, web3) needs 3 distinct nodes; only 2 are allowed and have room" }, Explain(problem));
    }

    [Fact]
    public void A_spread_whose_pinned_member_takes_the_only_node_of_another_says_how_many_can_be_seated()
    {
        // old runs on n1 and web1 may only go to n1; web2 may go anywhere: 3 usable nodes, 2 seats.
        var problem = new Problems().Node("n1").Node("n2").Node("n3")
            .Vm("old", "n1", 100, pinned: true)
            .New("web1", 100).New("web2", 100)
            .With(new Fence(Of("web1"), Of("n1")))
            .With(new Spread(Of("old", "web1", "web2")))
            .Build();

        Assert.Equal(new[] { "spread(old, web1, web2) needs 3 distinct nodes; the nodes allowed and with room can take only 2 of them" }, Explain(problem));
    }

    [Fact]
    public void Vms_that_fit_alone_but_not_together_say_what_they_need_and_what_is_free()
    {
        var problem = new Problems().Node("n1", 2, 16384).Node("n2", 2, 16384).Node("n3", 2, 16384).Node("n4", 2, 16384)
            .New("v1", 200, 4096).New("v2", 200, 4096).New("v3", 200, 4096).New("v4", 200, 4096).New("v5", 200, 4096).New("v6", 200, 4096)
            .Build();

        Assert.Equal(new[] { "the 6 VMs need 12 vCPU / 24 GiB together; the 4 nodes allowed have 8 vCPU / 64 GiB free" }, Explain(problem));
    }

    [Fact]
    public void Vms_fenced_together_are_checked_against_their_own_nodes_first()
    {
        // a and b may only use n1 (3 vCPU free); c, free to go anywhere, is not the cause.
        var problem = new Problems().Node("n1").Node("n2")
            .Vm("r1", "n1", 100, pinned: true)
            .New("a", 200).New("b", 200).New("c", 100)
            .With(new Fence(Of("a", "b"), Of("n1")))
            .Build();

        Assert.Equal(new[] { "the 2 VMs need 4 vCPU / 2 GiB together; the 1 node allowed has 3 vCPU / 7 GiB free" }, Explain(problem));
    }

    [Fact]
    public void A_gather_no_node_can_hold_says_what_it_needs()
    {
        var problem = new Problems().Node("n1").Node("n2")
            .New("a", 300).New("b", 300)
            .With(new Gather(Of("a", "b")))
            .Build();

        Assert.Equal(new[] { "gather(a, b) needs 6 vCPU / 2 GiB on one node; no node has it; the roomiest has 4 vCPU / 8 GiB free (n1)" }, Explain(problem));
    }

    [Fact]
    public void A_problem_without_new_vms_has_nothing_to_explain()
    {
        var problem = new Problems().Node("n1").Vm("a", "n1", 500).Build();

        Assert.Empty(UnplaceableReason.Explain(problem));
    }

    [Theory]
    [InlineData(250, 512, "2.5 vCPU / 512 MiB")]
    [InlineData(100, 1536, "1 vCPU / 1.5 GiB")]
    [InlineData(1234, 16384, "12.34 vCPU / 16 GiB")]
    [InlineData(0, 0, "0 vCPU / 0 MiB")]
    public void Resources_read_in_vcpu_and_gib(int cpu, int memoryMiB, string text) =>
        Assert.Equal(text, UnplaceableReason.Format(new Resources(cpu, memoryMiB)));
}
