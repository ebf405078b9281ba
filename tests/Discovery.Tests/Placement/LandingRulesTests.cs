using Discovery.Constraints;
using Discovery.Placement;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

/// <summary><see cref="LandingRules"/>: what each constraint's rules let the plan builder land, node by node.</summary>
public sealed class LandingRulesTests
{
    // Nodes a, b, c, d (d offline). x and y spread, x banned from b, l lonely, g1 and g2 gathered.
    private static readonly PlacementProblem Problem = new Problems().Node("a").Node("b").Node("c").Node("d")
        .Vm("x", "a", 100).Vm("g1", "a", 100).Vm("g2", "a", 100).Vm("y", "b", 100).Vm("l", "c", 100)
        .With(new Offline(Of("d"))).With(new Ban(Of("x"), Of("b"))).With(new Spread(Of("x", "y")))
        .With(new Lonely(Of("l"))).With(new Gather(Of("g1", "g2")))
        .Build();

    private static readonly string[] Nodes = ["a", "b", "c", "d"];

    private static Dictionary<string, HashSet<string>> Holders() => new(StringComparer.Ordinal)
    {
        ["a"] = ["x", "g1", "g2"], ["b"] = ["y"], ["c"] = ["l"], ["d"] = [],
    };

    private static string Landings(LandingRules rules, string vm, bool asPivot = false) =>
        string.Concat(Nodes.Where(n => rules.MayLand(vm, n, Holders(), asPivot)));

    [Fact]
    public void Each_constraint_closes_exactly_the_nodes_it_forbids()
    {
        var rules = new LandingRules(Problem, Problem.Vms.ToDictionary(v => v.Id, v => v.Host!));
        // x: not d (offline), not b (ban, and y of its spread is there), not c (l is lonely there).
        Assert.Equal("a", Landings(rules, "x"));
        // y: not a (x of its spread), not c (lonely l), not d.
        Assert.Equal("b", Landings(rules, "y"));
        // l: only a node holding no VM outside its lonely set.
        Assert.Equal("c", Landings(rules, "l"));
        // g1: anywhere online but beside the lonely VM; never through a pivot (gather).
        Assert.Equal("ab", Landings(rules, "g1"));
        Assert.Equal("", Landings(rules, "g1", asPivot: true));
        Assert.Equal("b", Landings(rules, "y", asPivot: true));
    }

    [Fact]
    public void Without_constraints_every_node_takes_every_vm()
    {
        var bare = Problem with { Constraints = [] };
        var rules = new LandingRules(bare, bare.Vms.ToDictionary(v => v.Id, v => v.Host!));
        foreach (var vm in bare.Vms)
        {
            Assert.Equal("abcd", Landings(rules, vm.Id));
            Assert.Equal("abcd", Landings(rules, vm.Id, asPivot: true));
        }
    }
}
