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
                new("c", 64, 1024, "img"),       // larger than every node
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
        Assert.Contains(problems, p => p.StartsWith("vms[2]: VM 'c' needs 64 cores, 1024 MiB at full load, larger than every node"));
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
}
