using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Admission;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Environments;

/// <summary>The problems a VE's new VMs are placed in: what runs only takes room, unless a constraint names it.</summary>
public sealed class VePlacementTests
{
    private static VmSnapshot Running(string id, string node, int cpu, int mem = 1024, VmState state = VmState.Running) =>
        new(id, state, 4, mem, cpu, node);

    private static NodeSnapshot Node(string name, bool maintenance = false, params VmSnapshot[] vms) =>
        new(name, "local", Resources.OfCores(4, 8192), [.. vms], maintenance, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Unnamed_vms_are_folded_into_their_allocation_and_named_ones_stay_pinned_once()
    {
        var nodes = new[]
        {
            Node("n1", false, Running("x", "n1", 100), Running("y", "n1", 50)),
            // m migrates from n2 to n3: it holds room on both, and both list it.
            Node("n2", false, Running("m", "n2", 80, state: VmState.Migrating), Running("s", "n2", 0, state: VmState.Stopped)),
            Node("n3", false, Running("m", "n3", 80, state: VmState.Migrating)),
            Node("n4", true),
        };
        var problem = VePlacement.Admission(nodes, [new VmSpec("a.b.new", 2, 2048, "img", 150)], [new Lonely(["x"])], new AdmissionPolicy { CpuAllocationRatio = 3 });

        // 4 cores x 3 = 1,200 allocatable; each running VM allocates its 4 vCPUs whatever it uses now.
        Assert.Equal([("n1", new Resources(800, 7168)), ("n2", new Resources(800, 7168)), ("n3", new Resources(800, 7168)), ("n4", new Resources(1200, 8192))],
            problem.Nodes.Select(n => (n.Name, n.Capacity)));
        Assert.Equal([250, 320, 320, 400], problem.Nodes.Select(n => n.LiveCpuFree));
        Assert.Equal([new PlacementVm("x", new Resources(400, 1024), "n1", Pinned: true), new PlacementVm("a.b.new", new Resources(200, 2048), null, ExpectedCpu: 150)],
            problem.Vms.AsEnumerable());
        Assert.Equal(["lonely", "offline"], problem.Constraints.Select(c => c.Name));
        Assert.Empty(problem.StructuralProblems());
    }

    [Fact]
    public void The_new_vm_keeps_away_from_a_lonely_vm_and_a_node_in_maintenance_and_fits_the_allocation_left()
    {
        var nodes = new[]
        {
            Node("n1", false, Running("x", "n1", 10)),                       // roomy, but x is lonely
            Node("n2", false, Running("big", "n2", 30, mem: 7000)),          // 1,192 MiB left: too little
            Node("n3", false, Running("mid", "n3", 390, mem: 4096)),         // the only place, busy as it is
            Node("n4", true),                                                // empty, in maintenance
        };
        var problem = VePlacement.Admission(nodes, [new VmSpec("a.b.new", 2, 2048, "img")], [new Lonely(["x"])], AdmissionPolicy.Default);
        var result = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);

        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal("n3", result.Target["a.b.new"]);
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
    }

    [Fact]
    public void An_overloaded_node_still_admits_by_allocation_but_comes_last()
    {
        var nodes = new[]
        {
            Node("n1", false, Running("own", "n1", 300), Running("hot", "n1", 250)), // 550 of 400 cores: overloaded, allocation to spare
            Node("n2", false, Running("busy", "n2", 390)),                          // 10 free now
        };
        var problem = VePlacement.Admission(nodes, [new VmSpec("a.b.new", 1, 1024, "img", 100)], [], AdmissionPolicy.Default);

        Assert.Equal([("n1", new Resources(800, 6144)), ("n2", new Resources(1200, 7168))], problem.Nodes.Select(n => (n.Name, n.Capacity)));
        var result = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);
        Assert.Equal("n2", result.Target["a.b.new"]); // 90 beyond n2's room rather than all of it beyond n1's

        // Alone with it, the VE still gets in: admission counts allocation; DVMS is on the overload.
        var alone = VePlacement.Admission([nodes[0]], [new VmSpec("a.b.new", 1, 1024, "img", 100)], [new Spread(["own", "a.b.new"])], AdmissionPolicy.Default);
        Assert.False(new CpSatPlacementSolver().Solve(alone, SolverOptions.Default).IsSolved); // the spread, not the load
        Assert.Equal("n1", new CpSatPlacementSolver().Solve(VePlacement.Admission([nodes[0]], [new VmSpec("a.b.new", 1, 1024, "img", 100)], [], AdmissionPolicy.Default),
            SolverOptions.Default).Target["a.b.new"]);
    }

    [Fact]
    public void In_the_live_tier_an_overloaded_node_offers_no_room()
    {
        var problem = VePlacement.Restoring([Node("n1", false, Running("own", "n1", 300), Running("hot", "n1", 250))], [new VmSpec("a.b.back", 1, 1024, "img", 10)], [],
            new HashSet<string> { "a.b.back" });
        Assert.Equal([new Resources(0, 0)], problem.Nodes.Select(n => n.Capacity));
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
    public void In_the_live_tier_a_restoring_vm_reserves_its_expected_demand_a_new_one_its_full_vcpus()
    {
        var problem = VePlacement.Restoring([Node("n1", false, Running("r", "n1", 250))],
            [new VmSpec("a.b.back", 2, 1024, "img", 30), new VmSpec("a.b.new", 2, 1024, "img", 30)], [], new HashSet<string> { "a.b.back" });
        Assert.Equal([new Resources(30, 1024), new Resources(200, 1024)], problem.Vms.Select(v => v.Demand));
        Assert.Equal([new Resources(150, 7168)], problem.Nodes.Select(n => n.Capacity)); // the live room, whatever the allocation
    }

    [Fact]
    public void A_node_held_by_a_partition_offers_no_room()
    {
        var held = Node("n1") with { ReservedBy = "p-n2-1" };
        var problem = VePlacement.Admission([held, Node("n2", false, Running("own", "n2", 300))], [new VmSpec("a.b.new", 1, 1024, "img")], [new Fence(["own"], ["n2"])], AdmissionPolicy.Default);
        Assert.Equal([("n1", Resources.Zero), ("n2", new Resources(1600, 8192))], problem.Nodes.Select(n => (n.Name, n.Capacity)));
        var result = new CpSatPlacementSolver().Solve(problem, SolverOptions.Default);
        Assert.Equal("n2", result.Target["a.b.new"]);
    }
}
