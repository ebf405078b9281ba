using Discovery.Cli.Bench;
using Discovery.Constraints;
using Discovery.Placement;
using Discovery.Placement.Checking;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

/// <summary>Scenarios for the CP-SAT solver; every result is validated by the independent checker.</summary>
public sealed class CpSatPlacementSolverTests
{
    private static readonly SolverOptions Options = new(TimeSpan.FromSeconds(10));
    private readonly CpSatPlacementSolver _solver = new();

    private PlacementResult SolveChecked(PlacementProblem problem)
    {
        var result = _solver.Solve(problem, Options);
        if (result.IsSolved)
            Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        return result;
    }

    [Fact]
    public void A_viable_placement_needs_nothing()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Vm("v1", "a", 200).Vm("v2", "b", 300).Build());
        Assert.True(r.IsSolved);
        Assert.Equal(0, r.Migrations);
        Assert.Equal("already viable", r.Detail);
    }

    [Fact]
    public void Overloaded_node_moves_its_cheapest_sufficient_vm()
    {
        // a needs 500 of 400: moving v-small (100 CPU, 512 MiB) is enough and cheapest.
        var r = SolveChecked(new Problems().Node("a").Node("b")
            .Vm("v-big", "a", 250, 4096).Vm("v-mid", "a", 150, 2048).Vm("v-small", "a", 100, 512).Build());
        Assert.True(r.IsSolved);
        Assert.True(r.Optimal);
        var m = Assert.Single(r.Plan.Migrations);
        Assert.Equal(("v-small", "a", "b"), (m.Vm, m.From, m.To));
        Assert.Equal(512, r.MovedMiB);
    }

    [Fact]
    public void Ties_in_memory_are_broken_by_fewer_migrations()
    {
        // Either v1 (2048) alone or v2+v3 (1024+1024) frees enough: same memory, one migration wins.
        var r = SolveChecked(new Problems().Node("a").Node("b")
            .Vm("v1", "a", 300, 2048).Vm("v2", "a", 150, 1024).Vm("v3", "a", 150, 1024).Build());
        Assert.Equal(1, r.Migrations);
        Assert.Equal("v1", r.Plan.Migrations.Single().Vm);
    }

    [Fact]
    public void No_room_anywhere_is_no_solution()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Vm("v1", "a", 300).Vm("v2", "a", 300).Vm("v3", "b", 300).Build());
        Assert.Equal(PlacementStatus.NoSolution, r.Status);
        Assert.Empty(r.Target);
    }

    [Fact]
    public void Ban_keeps_a_vm_off_its_banned_nodes()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Node("c")
            .Vm("v1", "a", 300, 512).Vm("v2", "a", 200).Vm("filler", "c", 100)
            .With(new Ban(Of("v1"), Of("b"))).With(new Ban(Of("v2"), Of("b"))).Build());
        Assert.True(r.IsSolved);
        Assert.DoesNotContain(r.Plan.Migrations, m => m.To == "b");
    }

    [Fact]
    public void Fence_moves_a_vm_inside_its_fence_even_without_overload()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Node("c").Vm("v", "a", 100).With(new Fence(Of("v"), Of("c"))).Build());
        Assert.Equal("c", r.Target["v"]);
    }

    [Fact]
    public void Spread_separates_vms_that_share_a_node()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Vm("r1", "a", 100).Vm("r2", "a", 100).With(new Spread(Of("r1", "r2"))).Build());
        Assert.True(r.IsSolved);
        Assert.NotEqual(r.Target["r1"], r.Target["r2"]);
    }

    [Fact]
    public void Gather_brings_vms_together()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Vm("g1", "a", 100).Vm("g2", "b", 100, 2048).With(new Gather(Of("g1", "g2"))).Build());
        Assert.Equal(r.Target["g1"], r.Target["g2"]);
        Assert.Equal("b", r.Target["g1"]); // moving the smaller one
    }

    [Fact]
    public void Lonely_vms_get_their_node_to_themselves()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Node("c")
            .Vm("db", "a", 100).Vm("web", "a", 100).Vm("x", "b", 100).With(new Lonely(Of("db"))).Build());
        Assert.True(r.IsSolved);
        var dbNode = r.Target["db"];
        Assert.DoesNotContain(r.Target, t => t.Key != "db" && t.Value == dbNode);
    }

    [Fact]
    public void Latency_keeps_a_ve_within_one_node_group()
    {
        // e1 sits on a (site A), e2 on c (site B): one of them must join the other's site.
        var r = SolveChecked(new Problems().Node("a").Node("b").Node("c").Node("d")
            .Vm("e1", "a", 100, 512).Vm("e2", "c", 100, 2048)
            .With(new Latency(Of("e1", "e2"), [Of("a", "b"), Of("c", "d")])).Build());
        Assert.True(r.IsSolved);
        var sites = new[] { r.Target["e1"], r.Target["e2"] };
        Assert.True(sites.All(n => n is "a" or "b") || sites.All(n => n is "c" or "d"));
        Assert.Equal(512, r.MovedMiB); // e1 moves, the cheaper one
    }

    [Fact]
    public void Offline_node_is_emptied()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Node("c")
            .Vm("v1", "a", 100).Vm("v2", "a", 100).Vm("v3", "b", 350).With(new Offline(Of("a"))).Build());
        Assert.True(r.IsSolved);
        Assert.DoesNotContain(r.Target.Values, n => n == "a");
    }

    [Fact]
    public void Pinned_vms_stay_even_when_moving_them_would_be_cheaper()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b")
            .Vm("migrating", "a", 300, 512, pinned: true).Vm("other", "a", 200, 4096).Build());
        Assert.True(r.IsSolved);
        Assert.Equal("a", r.Target["migrating"]);
        Assert.Equal("b", r.Target["other"]);
    }

    [Fact]
    public void A_pinned_vm_on_an_offline_node_is_no_solution_never_already_viable()
    {
        // The VM is mid-migration (pinned) on a node being drained: nothing can be decided now.
        var problem = new Problems().Node("a").Node("b").Vm("moving", "a", 100, pinned: true).With(new Offline(Of("a"))).Build();
        foreach (IPlacementSolver solver in new IPlacementSolver[] { _solver, new GreedyPlacementSolver() })
        {
            var r = solver.Solve(problem, Options);
            Assert.Equal(PlacementStatus.NoSolution, r.Status);
            Assert.Contains("cannot move now", r.Detail);
        }
    }

    [Fact]
    public void Constraints_naming_vms_outside_the_problem_are_projected()
    {
        var r = SolveChecked(new Problems().Node("a").Node("b").Vm("in", "a", 500 - 100).Vm("in2", "a", 100)
            .With(new Spread(Of("in", "elsewhere"))).With(new Ban(Of("ghost"), Of("b"))).Build());
        Assert.True(r.IsSolved);
    }

    [Fact]
    public void A_malformed_problem_is_invalid_not_an_exception()
    {
        var r = _solver.Solve(new Problems().Node("a").Vm("v", "nowhere", 100).Build(), Options);
        Assert.Equal(PlacementStatus.Invalid, r.Status);
        Assert.Contains("'nowhere'", r.Detail);
    }

    [Fact]
    public void A_time_limit_spent_before_the_model_is_built_times_out_naming_the_limit()
    {
        // Indexing 400 VMs and the greedy hint take far more than 100 ns: no model is built, CP-SAT is never called.
        // (A limit of a millisecond or so gives TimedOut or Solved depending on the machine's speed.)
        var problem = InstanceGenerator.Generate(nodes: 40, vmsPerNode: 10, seed: 3);
        var r = _solver.Solve(problem, new SolverOptions(TimeSpan.FromTicks(1)));
        Assert.Equal((PlacementStatus.TimedOut, "no viable placement found within 0 s"), (r.Status, r.Detail));
    }

    [Fact]
    public void Repair_mode_solves_a_large_problem_over_bounded_candidates()
    {
        var problem = InstanceGenerator.Generate(nodes: 300, vmsPerNode: 6, seed: 5);
        var r = _solver.Solve(problem, new SolverOptions(TimeSpan.FromSeconds(20), RepairCandidates: 8, FullModelMaxNodes: 64));
        Assert.True(r.IsSolved, r.Detail);
        Assert.Empty(PlacementChecker.CheckPlan(problem, r.Target, r.Plan));
    }
}
