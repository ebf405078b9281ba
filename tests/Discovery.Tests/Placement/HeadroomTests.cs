using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Placement;

/// <summary>
/// The headroom objective (target 90 % CPU): on nodes of 400 CPU, an overloaded node comes down to 360 and
/// a node that receives stays at or under 360 when a plan can do that; otherwise the least-memory plan,
/// with what it leaves above the thresholds. Each VM's memory differs so that every optimum is unique.
/// </summary>
public sealed class HeadroomTests
{
    private static readonly SolverOptions Plain = new(TimeSpan.FromSeconds(10));
    private static readonly SolverOptions WithHeadroom = Plain with { Headroom = 0.9 };

    /// <summary>a: 440 of 400 (VMs of 100, 80 and 60 CPU that are cheap to move, two of 100 that are not); b: 300; c: 100 when present.</summary>
    private static PlacementProblem Problem(bool withC)
    {
        var p = new Problems().Node("a").Node("b");
        if (withC) p.Node("c");
        p.Vm("a100", "a", 100, 1024).Vm("a80", "a", 80, 768).Vm("a60", "a", 60, 512).Vm("a-base1", "a", 100, 2048).Vm("a-base2", "a", 100, 2048)
         .Vm("b-load", "b", 300, 4096);
        if (withC) p.Vm("c-load", "c", 100, 4096);
        return p.Build();
    }

    private static PlacementResult Solve(IPlacementSolver solver, PlacementProblem problem, SolverOptions options)
    {
        var result = solver.Solve(problem, options);
        Assert.True(result.IsSolved, result.Detail);
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        return result;
    }

    [Fact]
    public void With_room_somewhere_the_overloaded_node_comes_down_to_the_target_and_the_receiver_stays_under_it()
    {
        // a must shed 80: a80 (768 MiB) is the cheapest that does; b would end at 380, c at 180.
        var r = Solve(new CpSatPlacementSolver(), Problem(withC: true), WithHeadroom);
        var m = Assert.Single(r.Plan.Migrations);
        Assert.Equal(("a80", "a", "c"), (m.Vm, m.From, m.To));
        Assert.Equal(0, r.HeadroomExcess);
        Assert.False(r.LacksHeadroom);
    }

    [Fact]
    public void Without_a_target_the_least_memory_is_moved_whatever_the_load_left()
    {
        var r = Solve(new CpSatPlacementSolver(), Problem(withC: true), Plain);
        Assert.Equal("a60", Assert.Single(r.Plan.Migrations).Vm); // 512 MiB: a ends at 380, over 90 %
        Assert.Equal(0, r.HeadroomExcess); // no target, nothing measured
    }

    [Fact]
    public void Without_room_under_the_target_the_least_memory_plan_reports_what_it_leaves_above()
    {
        // Only b can receive, and it can take 60 under 360: a60 goes, a keeps 380 = 20 above its threshold.
        var r = Solve(new CpSatPlacementSolver(), Problem(withC: false), WithHeadroom);
        var m = Assert.Single(r.Plan.Migrations);
        Assert.Equal(("a60", "b"), (m.Vm, m.To));
        Assert.Equal(20, r.HeadroomExcess);
        Assert.True(r.LacksHeadroom);
    }

    [Fact]
    public void The_greedy_sends_an_evicted_vm_where_it_leaves_headroom_when_there_is_such_a_node()
    {
        // The greedy evicts the largest VM (a-base1: 100 CPU, 2 GiB), leaving a at 340; b would end at 400, c at 200.
        var withTarget = Solve(new GreedyPlacementSolver(), Problem(withC: true), WithHeadroom);
        var m = Assert.Single(withTarget.Plan.Migrations);
        Assert.Equal(("a-base1", "c"), (m.Vm, m.To));
        Assert.Equal(0, withTarget.HeadroomExcess);

        var plain = Solve(new GreedyPlacementSolver(), Problem(withC: true), Plain);
        var first = Assert.Single(plain.Plan.Migrations);
        Assert.Equal(("a-base1", "b"), (first.Vm, first.To)); // first fit: b, filled to 400
    }
}

/// <summary>
/// Pressure (threshold 95 % = 380 of 400, target 90 % = 360): a node above the threshold that is not overloaded
/// comes down to the target when a node can take the load under the target, and stays put otherwise.
/// a: 390 (VMs of 100, 100 and 100 at 2 GiB, one of 90 at 768 MiB); b: 340; c: 50 when present.
/// </summary>
public sealed class PressureTests
{
    private static readonly SolverOptions Options = new(TimeSpan.FromSeconds(10)) { Headroom = 0.9, Pressure = 0.95 };

    private static PlacementProblem Problem(bool withC)
    {
        var p = new Problems().Node("a").Node("b");
        if (withC) p.Node("c");
        p.Vm("a1", "a", 100, 2048).Vm("a2", "a", 100, 2048).Vm("a3", "a", 100, 2048).Vm("a90", "a", 90, 768).Vm("b-load", "b", 340, 4096);
        if (withC) p.Vm("c-load", "c", 50, 4096);
        return p.Build();
    }

    public static TheoryData<string> Solvers => ["cpsat", "greedy"];

    private static IPlacementSolver For(string name) => name == "cpsat" ? new CpSatPlacementSolver() : new GreedyPlacementSolver();

    [Theory, MemberData(nameof(Solvers))]
    public void A_pressured_node_sheds_down_to_the_target_onto_a_node_left_under_it(string solver)
    {
        var problem = Problem(withC: true);
        var r = For(solver).Solve(problem, Options);
        Assert.True(r.IsSolved, r.Detail);
        Assert.Empty(PlacementChecker.CheckPlan(problem, r.Target, r.Plan));
        var m = Assert.Single(r.Plan.Migrations);
        // CP-SAT: the least memory (a90, 768 MiB); the greedy: the largest CPU first (a1). Either way into c, under 360.
        Assert.Equal((solver == "cpsat" ? "a90" : "a1", "a", "c"), (m.Vm, m.From, m.To));
        Assert.False(r.LacksHeadroom);
    }

    [Theory, MemberData(nameof(Solvers))]
    public void Without_a_node_to_take_it_under_the_target_a_pressured_node_stays_put(string solver)
    {
        // b (340) would go above 360 with any of a's VMs: moving one there would only churn.
        var r = For(solver).Solve(Problem(withC: false), Options);
        Assert.True(r.IsSolved, r.Detail);
        Assert.Empty(r.Plan.Migrations);
        Assert.Equal(30, r.HeadroomExcess); // a stays at 390, 30 above its target
        Assert.True(r.LacksHeadroom);
    }

    [Theory, MemberData(nameof(Solvers))]
    public void Without_a_pressure_threshold_or_a_headroom_target_nothing_moves(string solver)
    {
        Assert.Empty(For(solver).Solve(Problem(withC: true), Options with { Pressure = null }).Plan.Migrations);
        Assert.Empty(For(solver).Solve(Problem(withC: true), Options with { Headroom = null }).Plan.Migrations);
    }
}
