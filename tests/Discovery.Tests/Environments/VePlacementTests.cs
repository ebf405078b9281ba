using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Environments;

/// <summary>The problem a VE's new VMs are placed in: what runs only takes room, unless a constraint names it.</summary>
public sealed class VePlacementTests
{
    private static VmSnapshot Running(string id, string node, int cpu, int mem = 1024, VmState state = VmState.Running) =>
        new(id, state, 4, mem, cpu, node);

    private static NodeSnapshot Node(string name, bool maintenance = false, params VmSnapshot[] vms) =>
        new(name, "local", Resources.OfCores(4, 8192), [.. vms], maintenance, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Unnamed_vms_are_folded_into_capacity_and_named_ones_stay_pinned_once()
    {
        var nodes = new[]
        {
            Node("n1", false, Running("x", "n1", 100), Running("y", "n1", 50)),
            // m migrates from n2 to n3: it holds room on both, and both list it.
            Node("n2", false, Running("m", "n2", 80, state: VmState.Migrating), Running("s", "n2", 0, state: VmState.Stopped)),
            Node("n3", false, Running("m", "n3", 80, state: VmState.Migrating)),
            Node("n4", true),
        };
        var problem = VePlacement.Build(nodes, [new VmSpec("a.b.new", 2, 2048, "img")], [new Lonely(["x"])]);

        Assert.Equal([("n1", new Resources(350, 7168)), ("n2", new Resources(320, 7168)), ("n3", new Resources(320, 7168)), ("n4", new Resources(400, 8192))],
            problem.Nodes.Select(n => (n.Name, n.Capacity)));
        Assert.Equal([new PlacementVm("x", new Resources(100, 1024), "n1", Pinned: true), new PlacementVm("a.b.new", new Resources(200, 2048), null)],
            problem.Vms.AsEnumerable());
        Assert.Equal(["lonely", "offline"], problem.Constraints.Select(c => c.Name));
        Assert.Empty(problem.StructuralProblems());
    }

    [Fact]
    public void The_new_vm_keeps_away_from_a_lonely_vm_and_a_node_in_maintenance_and_fits_the_folded_room()
    {
        var nodes = new[]
        {
            Node("n1", false, Running("x", "n1", 10)),                       // roomy, but x is lonely
            Node("n2", false, Running("big", "n2", 300, mem: 7000)),         // 1,192 MiB left: too little
            Node("n3", false, Running("mid", "n3", 200, mem: 4096)),         // the only place
            Node("n4", true),                                                // empty, in maintenance
        };
        var problem = VePlacement.Build(nodes, [new VmSpec("a.b.new", 2, 2048, "img")], [new Lonely(["x"])]);
        var result = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);

        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal("n3", result.Target["a.b.new"]);
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
    }

    [Fact]
    public void An_overloaded_node_offers_no_room_but_does_not_make_the_problem_unsolvable()
    {
        var nodes = new[]
        {
            Node("n1", false, Running("own", "n1", 300), Running("hot", "n1", 250)), // 550 of 400 cores: overloaded, memory to spare
            Node("n2"),
        };
        var problem = VePlacement.Build(nodes, [new VmSpec("a.b.new", 1, 1024, "img")], [new Spread(["own", "a.b.new"])]);

        Assert.Equal([("n1", new Resources(300, 7168)), ("n2", new Resources(400, 8192))], problem.Nodes.Select(n => (n.Name, n.Capacity)));
        var result = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);
        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal("n2", result.Target["a.b.new"]);
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
    }

    [Fact]
    public void Candidate_nodes_are_those_some_new_vm_may_use_in_the_given_order()
    {
        string[] nodes = ["n1", "n2", "n3", "n4", "n5"];
        Assert.Equal(["n2", "n3", "n5"], CandidateNodes.Allowed(nodes, ["a", "b"],
            [new Fence(["a"], ["n2", "n3"]), new Ban(["b"], ["n1", "n2", "n4"]), new Spread(["a", "b"]), new Fence(["other"], ["n1"])]));
        Assert.Equal(["n4"], CandidateNodes.Allowed(nodes, ["a"], [new Latency(["a", "running"], [["n4"], ["n9"]]), new Offline(["n9"])]));
        Assert.Equal(nodes, CandidateNodes.Allowed(nodes, ["a"], []));
        Assert.Empty(CandidateNodes.Allowed(nodes, ["a"], [new Fence(["a"], ["n1"]), new Ban(["a"], ["n1"])]));
    }

    [Fact]
    public void A_restoring_vm_reserves_its_declared_demand_a_new_one_its_full_vcpus()
    {
        var problem = VePlacement.Build([Node("n1")], [new VmSpec("a.b.back", 2, 1024, "img", 30), new VmSpec("a.b.new", 2, 1024, "img", 30)], [],
            restoring: new HashSet<string> { "a.b.back" });
        Assert.Equal([new Resources(30, 1024), new Resources(200, 1024)], problem.Vms.Select(v => v.Demand));
    }

    [Fact]
    public void A_node_held_by_a_partition_offers_no_room()
    {
        var held = Node("n1") with { ReservedBy = "p-n2-1" };
        var problem = VePlacement.Build([held, Node("n2", false, Running("own", "n2", 300))], [new VmSpec("a.b.new", 1, 1024, "img")], [new Fence(["own"], ["n2"])]);
        Assert.Equal([("n1", Resources.Zero), ("n2", new Resources(400, 8192))], problem.Nodes.Select(n => (n.Name, n.Capacity)));
        var result = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);
        Assert.Equal("n2", result.Target["a.b.new"]);
    }
}
