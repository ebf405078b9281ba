using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Tests.Placement.Validation;

public sealed class VeSpecValidatorTests
{
    private static readonly Dictionary<string, Resources> Nodes = new()
    {
        ["n1"] = Resources.OfCores(8, 16384),
        ["n2"] = Resources.OfCores(4, 8192),
    };

    private static VeSpec Spec(ImmutableArray<VmSpec> vms, params PlacementConstraint[] constraints) => new("ve", vms, [.. constraints]);

    [Fact]
    public void A_good_spec_has_no_problem()
    {
        var spec = Spec([new("a", 2, 1024, "img"), new("b", 2, 1024, "img")],
            new Spread(["a", "b"]), new Ban(["a"], ["n2"]), new Latency(["a", "b"], [["n1"], ["n2"]]), new Offline(["n2"]));
        Assert.Empty(VeSpecValidator.Validate(spec, Nodes));
        VeSpecValidator.EnsureValid(spec, Nodes);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_field()
    {
        var spec = Spec([
                new("a", 0, 1024, "img"),        // zero vCPUs
                new("a", 2, -5, "img"),          // duplicate id, negative memory
                new("c", 64, 1024, "img"),       // more vCPUs than the largest node has cores
                new("d", 1, 512, "img", 150),    // demand above 100 per vCPU
            ],
            new Gather(["a", "ghost"]),
            new Fence(["c"], []),
            new Ban(["d"], ["n9"]),
            new Latency(["d"], []));

        var problems = VeSpecValidator.Validate(spec, Nodes).Select(p => p.ToString()).ToList();

        Assert.Contains("vms[0].vcpus: must be positive, got 0", problems);
        Assert.Contains("vms[1].id: duplicate VM id 'a' (already used by vms[0])", problems);
        Assert.Contains("vms[1].memoryMiB: must be positive, got -5", problems);
        Assert.Contains("vms[2].vcpus: 64 is more than the largest node's 8 cores", problems);
        Assert.Contains("vms[3].cpuDemand: must be within 0..100 (100 per vCPU), got 150", problems);
        Assert.Contains("constraints[0](gather).vms: unknown VM 'ghost' (not in this VE)", problems);
        Assert.Contains("constraints[1](fence).nodes: node set must not be empty", problems);
        Assert.Contains("constraints[2](ban).nodes: unknown node 'n9'", problems);
        Assert.Contains("constraints[3](latency).groups: must name at least one node group", problems);
        Assert.Equal(9, problems.Count);
    }

    [Fact]
    public void Empty_ve_and_empty_id_are_problems()
    {
        var problems = VeSpecValidator.Validate(new VeSpec("", [], []));
        Assert.Equal(["id: must not be empty", "vms: a VE needs at least one VM"], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void EnsureValid_throws_with_every_problem()
    {
        var e = Assert.Throws<InvalidSpecException>(() => VeSpecValidator.EnsureValid(new VeSpec("", [], [])));
        Assert.Equal(2, e.Problems.Length);
        Assert.Contains("vms: a VE needs at least one VM", e.Message);
    }

    [Fact]
    public void Without_known_nodes_node_names_are_not_checked()
    {
        var spec = Spec([new("a", 1, 512, "img")], new Ban(["a"], ["anywhere"]));
        Assert.Empty(VeSpecValidator.Validate(spec));
    }

    [Fact]
    public void A_vm_that_fits_no_node_though_each_size_fits_one_is_a_problem()
    {
        var nodes = new Dictionary<string, Resources> { ["cpu"] = Resources.OfCores(8, 4096), ["mem"] = Resources.OfCores(2, 16384) };
        var problems = VeSpecValidator.Validate(Spec([new("a", 8, 16384, "img", 800)]), nodes).Select(p => p.ToString());
        Assert.Equal(["vms[0]: VM 'a' needs 8 cores, 16384 MiB at full load, larger than every node (largest: 2 cores, 16384 MiB)"], problems);
    }

    [Fact]
    public void Vcpus_and_memory_past_the_largest_node_are_refused_without_overflowing()
    {
        // 42,949,673 x 100 wraps round to 4 (hundredths of a core): the VM looked like 0.04 of a core.
        var spec = Spec([new("a", 42_949_673, 1024, "img"), new("b", 1, 16385, "img", 100), new("c", 8, 16384, "img", 800)]);
        Assert.Equal(int.MaxValue, spec.Vms[0].MaxCpuDemand);
        Assert.Equal(["vms[0].vcpus: 42949673 is more than the largest node's 8 cores", "vms[1].memoryMiB: 16385 is more than the largest node's 16,384 MiB"],
            VeSpecValidator.Validate(spec, Nodes).Select(p => p.ToString()));
        // Without nodes: the limits' maxima.
        Assert.Equal(["vms[0].vcpus: 42949673 is more than the 4,096 cores a VM may have"],
            VeSpecValidator.Validate(spec with { Vms = [spec.Vms[0], new("b", 4096, 16 * 1024 * 1024, "img", 0)] }).Select(p => p.ToString()));
        Assert.Equal(["vms[0].memoryMiB: 16777217 is more than the 16,777,216 MiB a VM may have"],
            VeSpecValidator.Validate(Spec([new("a", 1, 16 * 1024 * 1024 + 1, "img")])).Select(p => p.ToString()));
    }

    [Fact]
    public void Vms_per_ve_and_names_in_constraints_are_bounded()
    {
        var limits = new Discovery.Language.LanguageLimits { MaxVms = 3, MaxNames = 5 };
        ImmutableArray<VmSpec> Vms(int n) => [.. Enumerable.Range(1, n).Select(i => new VmSpec($"v{i}", 1, 512, "img", 100))];
        Assert.Empty(VeSpecValidator.Validate(Spec(Vms(3), new Spread(["v1", "v2"]), new Ban(["v3"], ["n1", "n2"])), Nodes, limits));
        Assert.Equal(["vms: 4 VMs, more than the 3 a VE may have"], VeSpecValidator.Validate(Spec(Vms(4)), Nodes, limits).Select(p => p.ToString()));
        // Latency's groups count too: 2 VMs + 4 nodes.
        Assert.Equal(["constraints: 6 names in total, more than the 5 the constraints of a VE may give"],
            VeSpecValidator.Validate(Spec(Vms(3), new Latency(["v1", "v2"], [["n1", "n2"], ["n1", "n2"]])), Nodes, limits).Select(p => p.ToString()));
    }
}
