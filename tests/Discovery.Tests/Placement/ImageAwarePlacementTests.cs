using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Placement;

/// <summary>Image-aware placement: the time to bring a VM's image to a node enters the objective (<see cref="PlacementNode.FetchSeconds"/>).</summary>
public sealed class ImageAwarePlacementTests
{
    private static readonly SolverOptions Options = new(TimeSpan.FromSeconds(10), Workers: 1);
    private static readonly Resources Node = new(800, 16384);

    private static PlacementNode At(string name, int fetchSeconds, int? liveFree = null, string? site = null) =>
        new(name, Node, site, liveFree, ImmutableDictionary<string, int>.Empty.Add("debian-12", fetchSeconds));

    private static PlacementResult Solve(PlacementProblem problem)
    {
        var result = new CpSatPlacementSolver().Solve(problem, Options);
        Assert.True(result.IsSolved, $"{result.Status}: {result.Detail}");
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        return result;
    }

    [Theory]
    [InlineData(true)]   // admission: nodes say their live room, the VM its expected demand
    [InlineData(false)]  // a plain problem of new VMs
    public void Of_two_otherwise_equal_nodes_the_one_holding_the_image_is_chosen(bool admission)
    {
        // n1 comes first in every order (name, hint): only the image can send the VM to n2.
        var problem = new PlacementProblem(
            [At("n1", 40, admission ? 800 : null), At("n2", 0, admission ? 800 : null)],
            [new PlacementVm("web", new Resources(100, 1024), null, ExpectedCpu: admission ? 100 : null, Image: "debian-12")], []);

        Assert.Equal("n2", Solve(problem).Target["web"]);
    }

    [Fact]
    public void The_node_with_the_shortest_fetch_wins_when_none_holds_the_image()
    {
        var problem = new PlacementProblem(
            [At("n1", 90, 800), At("n2", 30, 800), At("n3", 60, 800)],
            [new PlacementVm("web", new Resources(100, 1024), null, ExpectedCpu: 100, Image: "debian-12")], []);

        Assert.Equal("n2", Solve(problem).Target["web"]);
    }

    [Fact]
    public void A_constraint_that_forbids_the_node_holding_the_image_wins_over_the_cache()
    {
        var problem = new PlacementProblem(
            [At("n1", 40, 800), At("n2", 0, 800)],
            [new PlacementVm("web", new Resources(100, 1024), null, ExpectedCpu: 100, Image: "debian-12")],
            [new Ban(["web"], ["n2"])]);

        Assert.Equal("n1", Solve(problem).Target["web"]);
    }

    [Fact]
    public void Room_for_the_expected_demand_wins_over_the_cache()
    {
        // n2 holds the image but its live load leaves 50 for a VM expected at 100: the fetch to n1 is worth it.
        var problem = new PlacementProblem(
            [At("n1", 40, 800), At("n2", 0, 50)],
            [new PlacementVm("web", new Resources(100, 1024), null, ExpectedCpu: 100, Image: "debian-12")], []);

        Assert.Equal("n1", Solve(problem).Target["web"]);
    }

    [Theory]
    [InlineData(700, "n2")] // 1 core less room than n1 weighs less than a 20 s pull (2 cores): the cached node
    [InlineData(400, "n1")] // 4 cores less room weighs more: the emptier node, fetch and all
    public void A_fetch_second_weighs_a_tenth_of_a_core_of_live_room(int cachedNodeFree, string chosen)
    {
        var problem = new PlacementProblem(
            [At("n1", 20, 800), At("n2", 0, cachedNodeFree)],
            [new PlacementVm("web", new Resources(100, 1024), null, ExpectedCpu: 100, Image: "debian-12")], []);

        Assert.Equal(chosen, Solve(problem).Target["web"]);
    }

    [Fact]
    public void Two_vms_of_one_image_pay_its_fetch_once_on_a_node()
    {
        // Both on n1 fetches once (40 s); one on each of n1 and n3 would fetch twice (40 + 30 s); n2 holds the image but has room for one only.
        var problem = new PlacementProblem(
            [At("n1", 40), new PlacementNode("n2", new Resources(100, 16384), FetchSeconds: ImmutableDictionary<string, int>.Empty.Add("debian-12", 0)), At("n3", 30)],
            [new PlacementVm("a", new Resources(100, 1024), null, Image: "debian-12"), new PlacementVm("b", new Resources(100, 1024), null, Image: "debian-12"),
             new PlacementVm("c", new Resources(100, 1024), null, Image: "debian-12")], []);

        var target = Solve(problem).Target;
        Assert.Equal(1, target.Values.Count(n => n == "n2"));
        Assert.Equal(2, target.Values.Count(n => n == "n3")); // the two others together on the cheapest fetch: 30 s, not 30 + 40
    }

    [Fact]
    public void A_migration_prefers_the_receiver_that_holds_the_image()
    {
        // n1 is drained; n2 and n3 are equal but for the image (n3 comes later in every order).
        var problem = new PlacementProblem(
            [At("n1", 0), At("n2", 60), At("n3", 0)],
            [new PlacementVm("web", new Resources(100, 1024), "n1", Image: "debian-12")],
            [new Offline(["n1"])]);

        var result = Solve(problem);
        Assert.Equal("n3", result.Target["web"]);
        Assert.Equal(1, result.Migrations);
    }
}
