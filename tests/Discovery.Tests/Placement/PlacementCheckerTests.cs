using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Placement;
using Discovery.Placement.Checking;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

/// <summary>The checker must catch what a faulty solver would produce.</summary>
public sealed class PlacementCheckerTests
{
    private static MigrationPlan Plan(params (string vm, string from, string to, int mem)[][] steps) =>
        new([.. steps.Select(s => new PlanStep([.. s.Select(m => new Migration(m.vm, m.from, m.to, m.mem))]))]);

    private static ImmutableDictionary<string, string> Target(params (string vm, string node)[] t) => t.ToImmutableDictionary(x => x.vm, x => x.node);

    [Fact]
    public void Overloaded_target_is_reported()
    {
        var p = new Problems().Node("a").Node("b").Vm("v1", "a", 300).Vm("v2", "b", 300).Build();
        var errors = PlacementChecker.CheckPlacement(p, Target(("v1", "a"), ("v2", "a")));
        Assert.Contains(errors, e => e.StartsWith("capacity: node 'a' needs 6 cores"));
    }

    [Fact]
    public void A_migration_onto_a_full_node_is_reported_even_if_the_end_fits()
    {
        // Both in one step: b holds v2 (300) and v1 (300) at once.
        var p = new Problems().Node("a").Node("b").Node("c").Vm("v1", "a", 300).Vm("v2", "b", 300).Build();
        var errors = PlacementChecker.CheckPlan(p, Target(("v1", "b"), ("v2", "c")),
            Plan([("v1", "a", "b", 1024), ("v2", "b", "c", 1024)]));
        Assert.Contains(errors, e => e.Contains("node 'b' needs 6 cores") && e.Contains("while VMs migrate"));
    }

    [Fact]
    public void Every_constraint_is_checked_on_the_final_placement()
    {
        var p = new Problems().Node("a").Node("b").Node("c")
            .Vm("v1", "a", 100).Vm("v2", "a", 100).Vm("v3", "b", 100)
            .With(new Ban(Of("v1"), Of("a"))).With(new Fence(Of("v2"), Of("c"))).With(new Spread(Of("v1", "v2")))
            .With(new Gather(Of("v1", "v3"))).With(new Lonely(Of("v3"))).With(new Offline(Of("a")))
            .With(new Latency(Of("v2", "v3"), [Of("a"), Of("c")])).Build();
        var errors = PlacementChecker.CheckPlacement(p, Target(("v1", "a"), ("v2", "a"), ("v3", "b")));
        foreach (var name in new[] { "ban:", "fence:", "spread:", "gather:", "offline:", "latency:" })
            Assert.Contains(errors, e => e.StartsWith(name));
        var lonely = PlacementChecker.CheckPlacement(p, Target(("v1", "b"), ("v2", "c"), ("v3", "b")));
        Assert.Contains(lonely, e => e.StartsWith("lonely:"));
    }

    [Fact]
    public void A_landing_that_breaks_a_constraint_for_a_moment_is_reported()
    {
        var p = new Problems().Node("a").Node("b").Node("c").Vm("r1", "a", 100).Vm("r2", "b", 100).With(new Spread(Of("r1", "r2"))).Build();
        var errors = PlacementChecker.CheckPlan(p, Target(("r1", "b"), ("r2", "c")),
            Plan([("r1", "a", "b", 1024), ("r2", "b", "c", 1024)]));
        Assert.Contains(errors, e => e.Contains("spread: VM 'r1' migrates onto 'b' where 'r2' is"));
    }

    [Fact]
    public void A_plan_that_does_not_reach_the_target_or_lies_is_reported()
    {
        var p = new Problems().Node("a").Node("b").Vm("v", "a", 100).Build();
        Assert.Contains(PlacementChecker.CheckPlan(p, Target(("v", "b")), MigrationPlan.Empty), e => e.Contains("the target says 'b'"));
        Assert.Contains(PlacementChecker.CheckPlan(p, Target(("v", "b")), Plan([("v", "b", "a", 1024)])), e => e.Contains("not 'b'"));
        Assert.Contains(PlacementChecker.CheckPlan(p, Target(("v", "b")), Plan([("v", "a", "b", 1)])), e => e.Contains("moves 1 MiB"));
    }
}
