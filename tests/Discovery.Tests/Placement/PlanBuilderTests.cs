using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Placement;
using Discovery.Placement.Checking;
using static Discovery.Tests.Placement.Problems;

namespace Discovery.Tests.Placement;

public sealed class PlanBuilderTests
{
    private static ImmutableDictionary<string, string> Target(params (string vm, string node)[] t) =>
        t.ToImmutableDictionary(x => x.vm, x => x.node);

    [Fact]
    public void Independent_migrations_share_one_step()
    {
        var p = new Problems().Node("a").Node("b").Node("c").Node("d").Vm("v1", "a", 100).Vm("v2", "b", 100).Build();
        var target = Target(("v1", "c"), ("v2", "d"));
        var (plan, _) = PlanBuilder.Build(p, target);
        Assert.Single(plan!.Steps);
        Assert.Equal(2, plan.Steps[0].Migrations.Length);
        Assert.Empty(PlacementChecker.CheckPlan(p, target, plan));
    }

    [Fact]
    public void A_migration_waits_until_its_destination_has_room()
    {
        // v1 a->b needs v2 to leave b for c first.
        var p = new Problems().Node("a").Node("b").Node("c").Vm("v1", "a", 300).Vm("v2", "b", 300).Build();
        var target = Target(("v1", "b"), ("v2", "c"));
        var (plan, _) = PlanBuilder.Build(p, target);
        Assert.Equal(["v2", "v1"], plan!.Steps.Select(s => s.Migrations.Single().Vm));
        Assert.Empty(PlacementChecker.CheckPlan(p, target, plan));
    }

    [Fact]
    public void A_swap_goes_through_a_pivot_node()
    {
        var p = new Problems().Node("a").Node("b").Node("pivot").Vm("v1", "a", 300).Vm("v2", "b", 300).Build();
        var target = Target(("v1", "b"), ("v2", "a"));
        var (plan, _) = PlanBuilder.Build(p, target);
        Assert.Equal(3, plan!.MigrationCount);
        Assert.Contains(plan.Migrations, m => m.To == "pivot");
        Assert.Empty(PlacementChecker.CheckPlan(p, target, plan));
    }

    [Fact]
    public void A_swap_without_any_pivot_is_refused_not_returned_unsafe()
    {
        var p = new Problems().Node("a").Node("b").Vm("v1", "a", 300).Vm("v2", "b", 300).Build();
        var (plan, failure) = PlanBuilder.Build(p, Target(("v1", "b"), ("v2", "a")));
        Assert.Null(plan);
        Assert.Contains("no safe order", failure);
    }

    [Fact]
    public void Spread_members_never_share_a_node_even_mid_migration()
    {
        // r1 a->b and r2 b->c: r1 must wait until r2 has left b.
        var p = new Problems().Node("a").Node("b").Node("c").Vm("r1", "a", 100).Vm("r2", "b", 100)
            .With(new Spread(Of("r1", "r2"))).Build();
        var target = Target(("r1", "b"), ("r2", "c"));
        var (plan, _) = PlanBuilder.Build(p, target);
        Assert.Equal(["r2", "r1"], plan!.Steps.Select(s => s.Migrations.Single().Vm));
        Assert.Empty(PlacementChecker.CheckPlan(p, target, plan));
    }
}
