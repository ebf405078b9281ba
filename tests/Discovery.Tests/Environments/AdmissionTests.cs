using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Admission;
using Discovery.Placement.Checking;

namespace Discovery.Tests.Environments;

/// <summary>
/// Admission on a fake cluster (node snapshots, the real solver and checker): by allocation within the ratios,
/// then on the nodes whose live load leaves the most room for each VM's expected demand.
/// </summary>
public sealed class AdmissionTests
{
    private static readonly SolverOptions OneWorker = SolverOptions.Default with { Workers = 1 };

    /// <summary>An idle or busy VM of <paramref name="vcpus"/> vCPUs using <paramref name="cpu"/> now.</summary>
    private static VmSnapshot Vm(string id, string node, int vcpus, int cpu, int memoryMiB = 1024) => new(id, VmState.Running, vcpus, memoryMiB, cpu, node);

    /// <summary>A node of 4 cores and 8 GiB on <paramref name="site"/>.</summary>
    private static NodeSnapshot Node(string name, string site = "pop-a", params VmSnapshot[] vms) =>
        new(name, site, Resources.OfCores(4, 8192), [.. vms], false, DateTimeOffset.UnixEpoch);

    private static VmSpec New(string id, int vcpus, int memoryMiB = 1024, int? expected = null) =>
        new(id, vcpus, memoryMiB, "img", expected ?? vcpus * 100);

    private static PlacementResult Place(PlacementProblem problem)
    {
        var result = new CpSatPlacementSolver().Solve(problem, OneWorker);
        if (result.IsSolved) Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        return result;
    }

    [Fact]
    public void The_cpu_ratio_admits_exactly_up_to_its_limit()
    {
        // 4 cores at ratio 2: 8 vCPUs allocatable; 6 allocated by idle VMs, so 2 more and not 3, whatever the load (1 %).
        var node = Node("n1", "pop-a", Vm("r1", "n1", 2, 1), Vm("r2", "n1", 2, 1), Vm("r3", "n1", 2, 1));
        var policy = new AdmissionPolicy { CpuAllocationRatio = 2 };

        var two = Place(VePlacement.Admission([node], [New("a.b.w1", 1), New("a.b.w2", 1)], [], policy));
        Assert.True(two.IsSolved, two.Detail);
        Assert.Equal(["n1", "n1"], two.Target.Where(t => t.Key.StartsWith("a.b.", StringComparison.Ordinal)).Select(t => t.Value));

        var three = VePlacement.Admission([node], [New("a.b.w1", 1), New("a.b.w2", 1), New("a.b.w3", 1)], [], policy);
        Assert.False(Place(three).IsSolved);
        Assert.Equal(["the 3 VMs need 3 vCPU / 3 GiB together; the 1 node allowed has 2 vCPU / 5 GiB free"], UnplaceableReason.Explain(three));
    }

    [Fact]
    public void The_same_node_at_the_seeds_load_admits_what_the_live_load_would_refuse()
    {
        // 10 one-vCPU VMs at 85 % of 8 cores (the embedded default): 1.2 cores free now, 22 vCPUs left to allocate.
        var vms = Enumerable.Range(0, 10).Select(i => Vm($"r{i}", "n1", 1, 68)).ToArray();
        var node = new NodeSnapshot("n1", "pop-a", Resources.OfCores(8, 32768), [.. vms], false, DateTimeOffset.UnixEpoch);

        var result = Place(VePlacement.Admission([node], [New("acme.shop.app1", 2, 2048), New("acme.shop.app2", 2, 2048)], [], AdmissionPolicy.Default));
        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal(2, result.Target.Count(t => t.Key.StartsWith("acme.", StringComparison.Ordinal) && t.Value == "n1"));
    }

    [Fact]
    public void Memory_is_never_overcommitted_by_default_and_a_ve_short_only_of_memory_is_refused_naming_it()
    {
        // 6 GiB of 8 allocated, CPU allocation to spare: a 3 GiB VM fits only if memory is overcommitted.
        var nodes = new[] { Node("n1", "pop-a", Vm("r1", "n1", 1, 10, 6144)), Node("n2", "pop-a", Vm("r2", "n2", 1, 10, 6144)) };
        var refused = VePlacement.Admission(nodes, [New("acme.db.db1", 2, 3072)], [], AdmissionPolicy.Default);

        Assert.False(Place(refused).IsSolved);
        Assert.Equal(["acme.db.db1 needs 2 vCPU / 3 GiB; no node has it: memory is short on every one; the roomiest has 15 vCPU / 2 GiB free (n1)"],
            UnplaceableReason.Explain(refused));

        var overcommitted = Place(VePlacement.Admission(nodes, [New("acme.db.db1", 2, 3072)], [], new AdmissionPolicy { MemoryAllocationRatio = 1.5 }));
        Assert.True(overcommitted.IsSolved, overcommitted.Detail);
    }

    [Fact]
    public void Live_load_breaks_ties_between_nodes_with_the_same_allocation()
    {
        // Same allocation (one 2-vCPU VM each); n1's VM is busy, n2's idle: the new VM goes to n2, and back when reversed.
        NodeSnapshot[] Cluster(int n1Load, int n2Load) => [Node("n1", "pop-a", Vm("r1", "n1", 2, n1Load)), Node("n2", "pop-a", Vm("r2", "n2", 2, n2Load))];

        Assert.Equal("n2", Place(VePlacement.Admission(Cluster(180, 20), [New("a.b.new", 1)], [], AdmissionPolicy.Default)).Target["a.b.new"]);
        Assert.Equal("n1", Place(VePlacement.Admission(Cluster(20, 180), [New("a.b.new", 1)], [], AdmissionPolicy.Default)).Target["a.b.new"]);
    }

    [Fact]
    public void Expected_demand_is_honoured_each_vm_where_its_own_demand_fits()
    {
        // Live room: n1 320, n2 100, n3 60. big expects 300 (4 vCPUs at 75 %), small 100 (1 vCPU, undeclared: all of it).
        var nodes = new[] { Node("n1", "pop-a", Vm("r1", "n1", 1, 80)), Node("n2", "pop-a", Vm("r2", "n2", 3, 300)), Node("n3", "pop-a", Vm("r3", "n3", 4, 340)) };
        var result = Place(VePlacement.Admission(nodes, [New("a.b.big", 4, expected: 300), New("a.b.small", 1)], [], AdmissionPolicy.Default));

        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal(("n1", "n2"), (result.Target["a.b.big"], result.Target["a.b.small"])); // both on n1 would put 80 beyond its room

        // Declared at 25 %, the same big VM leaves n1 room for small too: both on the roomiest node.
        var light = Place(VePlacement.Admission(nodes, [New("a.b.big", 4, expected: 100), New("a.b.small", 1)], [], AdmissionPolicy.Default));
        Assert.Equal(("n1", "n1"), (light.Target["a.b.big"], light.Target["a.b.small"]));
    }

    [Fact]
    public void A_node_overloaded_beyond_the_ves_whole_demand_takes_nothing_and_leaves_the_rest_admissible()
    {
        // n1 asks for 900 of its 400 (5 cores beyond), more than the VE's 50 together: it admits nothing, n2 does.
        var nodes = new[] { Node("n1", "pop-a", Vm("hot1", "n1", 4, 400), Vm("hot2", "n1", 4, 400), Vm("hot3", "n1", 1, 100)), Node("n2", "pop-a", Vm("r2", "n2", 2, 150)) };
        var result = Place(VePlacement.Admission(nodes, [New("a.b.new", 1, expected: 50)], [], AdmissionPolicy.Default));

        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal("n2", result.Target["a.b.new"]);
    }

    [Fact]
    public void Each_pop_may_have_its_own_ratios()
    {
        // pop-a at 1:1 has no vCPU left to allocate (4 of 4); pop-b keeps the cluster's 4:1.
        var nodes = new[] { Node("a1", "pop-a", Vm("r1", "a1", 4, 10)), Node("b1", "pop-b", Vm("r2", "b1", 4, 390)) };
        var policy = new AdmissionPolicy { Sites = new Dictionary<string, SiteAdmission> { ["pop-a"] = new(CpuAllocationRatio: 1) } };

        var problem = VePlacement.Admission(nodes, [New("a.b.new", 2)], [], policy);
        Assert.Equal([new Resources(0, 7168), new Resources(1200, 7168)], problem.Nodes.Select(n => n.Capacity));
        Assert.Equal("b1", Place(problem).Target["a.b.new"]);
    }

    [Fact]
    public void Restoring_vms_come_back_beyond_the_ratio_on_the_live_tier()
    {
        // At 1:1 the node has no vCPU left to allocate, but its load leaves 2 cores: a VM of a dead node comes back there.
        var nodes = new[] { Node("n1", "pop-a", Vm("r1", "n1", 4, 200)) };
        var back = new VmSpec("a.b.back", 2, 1024, "img", 150);
        var policy = new AdmissionPolicy { CpuAllocationRatio = 1 };

        Assert.False(Place(VePlacement.Admission(nodes, [back], [], policy)).IsSolved);
        var restored = Place(VePlacement.Restoring(nodes, [back], [], new HashSet<string> { "a.b.back" }));
        Assert.True(restored.IsSolved, restored.Detail);
        Assert.Equal("n1", restored.Target["a.b.back"]);
    }
}
