using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Placement.Checking;
using Discovery.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Scheduling;

/// <summary>
/// The seed's DVMS examples on a simulated datacentre: nodes of 4 cores (400) and VMs of one
/// vCPU, demands given per node. Assertions read the ground truth and the plan journal.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class DvmsScenarioTests
{
    private static IEnumerable<PartitionReport> Solved(DvmsCluster c, string initiator) =>
        c.Journal.Reports.Where(r => r.Event.Node == initiator && r.Outcome == PartitionOutcome.Solved);

    [Fact]
    public async Task An_overloaded_node_is_solved_with_its_neighbour()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(1, 100), Vms(3, 100), Vms(3, 100)]);
        await c.WaitUntilQuietAsync();

        var report = Solved(c, "n0").Last();
        Assert.Equal(["n0", "n1"], report.Nodes.Order());
        Assert.Equal(EventKind.Overload, report.Event.Kind);
        Assert.Equal(1, report.Migrations);
        Assert.Equal(4, (await c.Placement()).Count(p => p.Value == "n0"));
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task An_underloaded_node_is_emptied_when_underload_is_on()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(1, 50), Vms(3, 100), Vms(2, 100), Vms(2, 80)],
            new DvmsOptions { UnderloadThreshold = 0.3 });
        await c.WaitUntilAsync(async () => !(await c.Placement()).ContainsValue("n0"), "n0 emptied");
        await c.WaitUntilQuietAsync();

        Assert.Contains(Solved(c, "n0"), r => r.Event.Kind == EventKind.Underload);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task Two_overloaded_nodes_are_solved_by_two_disjoint_partitions()
    {
        await using var c = await DvmsCluster.StartAsync([
            Vms(5, 100), Vms(1, 100), Vms(3, 100), Vms(3, 100),
            Vms(5, 100), Vms(1, 100), Vms(3, 100), Vms(3, 100)]);
        await c.WaitUntilQuietAsync();

        var first = Solved(c, "n0").Last();
        var second = Solved(c, "n4").Last();
        Assert.Empty(first.Nodes.Intersect(second.Nodes));
        Assert.Equal(["n0", "n1"], first.Nodes.Order());
        Assert.Equal(["n4", "n5"], second.Nodes.Order());
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task A_partition_grows_past_full_neighbours()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(4, 100), Vms(4, 100), Vms(1, 100)]);
        await c.WaitUntilQuietAsync();

        var report = Solved(c, "n0").Last();
        Assert.True(report.Nodes.Length >= 3, $"partition of {report.Nodes.Length} nodes");
        Assert.Contains("n3", report.Nodes);
        Assert.Equal(2, (await c.Placement()).Count(p => p.Value == "n3"));
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task Constraints_hold_across_every_plan()
    {
        // n0's VMs are banned from n1, so the partition must reach n2; v0-0 and v2-0 must stay apart.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(1, 100), Vms(1, 100), Vms(4, 100)],
            constraints: catalog => catalog.Set("ve-1", [
                new Ban(["v0-0", "v0-1", "v0-2", "v0-3", "v0-4"], ["n1"]),
                new Spread(["v0-0", "v2-0"]),
            ]));
        await c.WaitUntilQuietAsync();

        c.AssertPlansSafe();
        var placement = await c.Placement();
        Assert.DoesNotContain(placement, p => p.Key.StartsWith("v0-") && p.Value == "n1");
        Assert.NotEqual(placement["v0-0"], placement["v2-0"]);
        var problem = c.Journal.Plans.Last().Problem;
        Assert.NotEmpty(problem.Constraints);
        Assert.Empty(PlacementChecker.CheckPlacement(problem with { Vms = [.. problem.Vms.Select(v => v with { Host = placement[v.Id] })] },
            problem.Vms.ToImmutableDictionary(v => v.Id, v => placement[v.Id])));
    }

    [Fact]
    public async Task A_node_drained_for_maintenance_ends_empty()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(3, 60), Vms(2, 100), Vms(2, 100), Vms(1, 100)]);
        await c.Grains.GetGrain<INodeGrain>("n0").SetMaintenanceAsync(true);
        await c.WaitUntilAsync(async () => !(await c.Placement()).ContainsValue("n0"), "n0 drained");
        await c.WaitUntilQuietAsync();
        Assert.Contains(Solved(c, "n0"), r => r.Event.Kind == EventKind.Maintenance);
        c.AssertPlansSafe();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DvmsCollection
{
    public const string Name = "DVMS clusters (timing-sensitive: one at a time)";
}
