using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Placement;

/// <summary>
/// A migration to another site costs <see cref="SolverOptions.CrossSiteWeight"/> times more. Node a (site paris, 300 CPU)
/// holds "big" (150 CPU, 2 GiB) and "small" (160 CPU, 1 GiB): 310, one must go. b (paris) has room for big only,
/// c (lyon) for either. Least memory alone sends small across sites; at weight 10, big stays in paris (2 GiB in the
/// site costs less than 10 x 1 GiB across).
/// </summary>
public sealed class CrossSiteTests
{
    private static PlacementProblem Problem() => new(
        [new PlacementNode("a", new Resources(300, 8192), "paris"), new PlacementNode("b", new Resources(200, 8192), "paris"),
         new PlacementNode("c", new Resources(300, 8192), "lyon")],
        [new PlacementVm("big", new Resources(150, 2048), "a"), new PlacementVm("small", new Resources(160, 1024), "a"),
         new PlacementVm("b-load", new Resources(45, 1024), "b")],
        []);

    [Theory]
    [InlineData(1.0, "small", "c")]
    [InlineData(10.0, "big", "b")]
    public void The_cross_site_weight_keeps_a_move_inside_its_site_when_that_is_cheaper_at_the_weight(double weight, string moved, string to)
    {
        var problem = Problem();
        var result = new CpSatPlacementSolver().Solve(problem, new SolverOptions(TimeSpan.FromSeconds(10), CrossSiteWeight: weight));
        Assert.True(result.IsSolved, result.Detail);
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        var migration = Assert.Single(result.Plan.Migrations);
        Assert.Equal((moved, "a", to), (migration.Vm, migration.From, migration.To));
        Assert.Equal(to == "c", problem.CrossesSites(migration.From, migration.To));
    }

    [Fact]
    public void The_greedy_tries_the_vm_s_own_site_first_when_crossing_costs_more()
    {
        // a sheds small (the largest CPU first); b has no room for it, so it goes to c whatever the weight; with one
        // more paris node with room, the weight keeps it there although lyon comes first in the problem.
        var problem = new PlacementProblem(
            [new PlacementNode("a", new Resources(300, 8192), "paris"), new PlacementNode("c", new Resources(300, 8192), "lyon"),
             new PlacementNode("d", new Resources(300, 8192), "paris")],
            [new PlacementVm("big", new Resources(150, 2048), "a"), new PlacementVm("small", new Resources(160, 1024), "a")],
            []);
        Assert.Equal("c", Assert.Single(new GreedyPlacementSolver().Solve(problem, new SolverOptions(TimeSpan.FromSeconds(1))).Plan.Migrations).To);
        Assert.Equal("d", Assert.Single(new GreedyPlacementSolver().Solve(problem, new SolverOptions(TimeSpan.FromSeconds(1), CrossSiteWeight: 10)).Plan.Migrations).To);
    }
}
