using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Placement.Checking;
using Discovery.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Scheduling;

/// <summary>
/// The seed's DVMS examples on a simulated datacentre: nodes of 4 cores (400) and 8 GiB, VMs of one
/// vCPU, demands given per node; the ring is n0, n1, ... in order. No load injector runs, so each
/// scenario is deterministic: assertions name the exact partitions, nodes and migrations, read from
/// the plan journal and the ground truth (the simulated hypervisor). Single-silo scenarios run on a fake clock.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class DvmsScenarioTests
{
    private static PartitionReport Only(DvmsCluster c) => Assert.Single(c.Journal.Reports);

    [Fact]
    public async Task Example_1_an_overloaded_node_is_solved_with_its_neighbour()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(1, 100), Vms(3, 100), Vms(3, 100)], fakeClock: new());
        await c.WaitUntilQuietAsync();

        var report = Only(c);
        Assert.Equal(("n0", EventKind.Overload, PartitionOutcome.Solved), (report.Event.Node, report.Event.Kind, report.Outcome));
        Assert.Equal(["n0", "n1"], report.Nodes.Order());
        Assert.Equal(1, report.Migrations);
        Assert.Equal(4, (await c.Placement()).Count(p => p.Value == "n0"));
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task Example_2_an_underloaded_node_is_emptied_when_underload_is_on()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(1, 50), Vms(3, 100), Vms(2, 100), Vms(2, 80)],
            new DvmsOptions { UnderloadThreshold = 0.3 }, fakeClock: new());
        await c.WaitUntilAsync(async () => !(await c.Placement()).ContainsValue("n0"), "n0 emptied");
        await c.WaitUntilQuietAsync();

        var report = Only(c);
        Assert.Equal(("n0", EventKind.Underload, PartitionOutcome.Solved), (report.Event.Node, report.Event.Kind, report.Outcome));
        Assert.Equal(["n0", "n1"], report.Nodes.Order());
        Assert.Equal(1, report.Migrations);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task Example_3_shifted_events_are_solved_in_disjoint_partitions_the_later_skipping_the_earlier()
    {
        // n0 overloads at once; n3 only once n0's partition is migrating. n3's successor on the ring is
        // n0, then n1: both held by the first partition, so the second skips them and takes n2.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(3, 100), Vms(3, 100), Vms(5, 80)], fakeClock: new());
        await c.WaitUntilAsync(() => c.Datacenter.GetTotals().MigrationsInFlight > 0, "the first partition migrating");
        c.Datacenter.SetDemand("v3-0", 100); // n3: 420 of 400
        await c.WaitUntilQuietAsync();

        var reports = c.Journal.Reports.OrderBy(r => r.PartitionId, StringComparer.Ordinal).ToList();
        Assert.Equal(2, reports.Count);
        var (first, second) = (reports[0], reports[1]);
        Assert.Equal(("n0", PartitionOutcome.Solved, 1), (first.Event.Node, first.Outcome, first.Migrations));
        Assert.Equal(["n0", "n1"], first.Nodes.Order());
        Assert.Equal(("n3", PartitionOutcome.Solved, 1), (second.Event.Node, second.Outcome, second.Migrations));
        Assert.Equal(["n2", "n3"], second.Nodes.Order());
        Assert.True(second.StartedAt < first.EndedAt, "the second event was solved while the first partition ran");
        Assert.True(second.Event.DetectedAt > first.Event.DetectedAt);
        Assert.Equal(0, c.Datacenter.GetTotals().OverloadedNodes);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task Example_4_two_blocked_partitions_merge_and_the_higher_id_solves_both_events()
    {
        // Only CPU counts, as in the seed's example. n0 must shed a VM of 100, and only n1 can end with
        // that much room, once its VMs of 50 and 60 went to n2 and n3 (whose rooms are 50 and 60, too
        // small for any of their own VMs to make 100 of room elsewhere). Partition a (n0) goes round the
        // ring and blocks, having met b on n1; b blocks too, absorbs a (it has the higher id) and solves
        // both events with all four nodes.
        int[][] vms =
        [
            Vms(5, 100),                 // n0: 500 of 400
            [100, 100, 100, 50, 60],     // n1: 410 of 400
            [100, 100, 80, 70],          // n2: room 50
            [100, 100, 80, 60],          // n3: room 60
        ];
        // Nodes start no partition of their own here: the test starts both, in a known order.
        await using var c = await DvmsCluster.StartAsync(vms, new DvmsOptions { Enabled = false, LeaseTimeout = TimeSpan.FromSeconds(6) }, fakeClock: new());
        const string a = "0000000000000000001-000001-n0", b = "0000000000000000002-000001-n1";
        Assert.True((await c.Grains.GetGrain<IReservable>("n0").ReserveAsync(a)).Granted);
        Assert.True((await c.Grains.GetGrain<IReservable>("n1").ReserveAsync(b)).Granted);

        await c.Grains.GetGrain<IPartitionGrain>(a).StartAsync(await OverloadAsync(c, "n0"));
        await c.WaitUntilAsync(async () => (await c.Grains.GetGrain<IPartitionGrain>(a).GetStateAsync()).State == PartitionState.Blocked,
            "partition a blocked");
        Assert.Equal(["n0", "n2", "n3"], (await c.Grains.GetGrain<IPartitionGrain>(a).GetStateAsync()).Nodes.Order());
        await c.Grains.GetGrain<IPartitionGrain>(b).StartAsync(await OverloadAsync(c, "n1"));
        await c.WaitUntilQuietAsync();

        var reports = c.Journal.Reports.OrderBy(r => r.PartitionId, StringComparer.Ordinal).ToList();
        Assert.Equal(2, reports.Count);
        Assert.Equal((a, PartitionOutcome.Absorbed, $"absorbed by {b}"), (reports[0].PartitionId, reports[0].Outcome, reports[0].Detail));
        Assert.Equal((b, PartitionOutcome.Solved, 3), (reports[1].PartitionId, reports[1].Outcome, reports[1].Migrations));
        Assert.Equal(["n0", "n1", "n2", "n3"], reports[1].Nodes.Order());
        var placement = await c.Placement();
        Assert.Equal([4, 4, 5, 5], new[] { "n0", "n1", "n2", "n3" }.Select(n => placement.Count(p => p.Value == n)));
        Assert.Equal(0, c.Datacenter.GetTotals().OverloadedNodes);
        c.AssertPlansSafe();
    }

    private static async Task<SchedulingEvent> OverloadAsync(DvmsCluster c, string node)
    {
        var snapshot = await c.Grains.GetGrain<INodeGrain>(node).GetSnapshotAsync();
        Assert.True(snapshot.Overloaded, $"{node} is not overloaded: {snapshot.Demand} of {snapshot.Capacity}");
        return new SchedulingEvent(node, EventKind.Overload, snapshot.At, snapshot.Demand, snapshot.Capacity);
    }

    [Fact]
    public async Task Two_overloaded_nodes_are_solved_by_two_disjoint_partitions()
    {
        await using var c = await DvmsCluster.StartAsync([
            Vms(5, 100), Vms(1, 100), Vms(3, 100), Vms(3, 100),
            Vms(5, 100), Vms(1, 100), Vms(3, 100), Vms(3, 100)], fakeClock: new());
        await c.WaitUntilQuietAsync();

        var reports = c.Journal.Reports.OrderBy(r => r.Event.Node, StringComparer.Ordinal).ToList();
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.Equal((PartitionOutcome.Solved, 1), (r.Outcome, r.Migrations)));
        Assert.Equal(["n0", "n1"], reports[0].Nodes.Order());
        Assert.Equal(["n4", "n5"], reports[1].Nodes.Order());
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task A_partition_grows_past_full_neighbours()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(4, 100), Vms(4, 100), Vms(1, 100)], fakeClock: new());
        await c.WaitUntilQuietAsync();

        var report = Only(c);
        Assert.Equal(PartitionOutcome.Solved, report.Outcome);
        Assert.Equal(["n0", "n1", "n2", "n3"], report.Nodes.Order());
        Assert.Equal(1, report.Migrations);
        Assert.Equal(2, (await c.Placement()).Count(p => p.Value == "n3"));
        c.AssertPlansSafe();
    }

    [SkippableFact]
    public async Task Constraints_registered_through_the_client_reach_partitions_on_every_silo()
    {
        // Two silos: the constraints live in one grain of the cluster, not in a per-silo catalog.
        // n0's VMs are banned from n1, so the partition must reach n2; v0-0 and v2-0 must stay apart.
        await using var db = await PostgreSqlDatabase.CreateAsync();
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(1, 100), Vms(1, 100), Vms(4, 100)], silos: 2, postgres: db,
            constraints: new Dictionary<string, PlacementConstraint[]>
            {
                ["ve-1"] = [new Ban(["v0-0", "v0-1", "v0-2", "v0-3", "v0-4"], ["n1"]), new Spread(["v0-0", "v2-0"])],
            });
        await c.WaitUntilQuietAsync();

        var report = Only(c);
        Assert.Equal((PartitionOutcome.Solved, 1), (report.Outcome, report.Migrations));
        Assert.Equal(["n0", "n1", "n2"], report.Nodes.Order());
        c.AssertPlansSafe();
        var placement = await c.Placement();
        Assert.DoesNotContain(placement, p => p.Key.StartsWith("v0-") && p.Value == "n1");
        Assert.NotEqual(placement["v0-0"], placement["v2-0"]);
        var problem = Assert.Single(c.Journal.Plans).Problem;
        Assert.Equal(2, problem.Constraints.Length);
        Assert.Empty(PlacementChecker.CheckPlacement(problem with { Vms = [.. problem.Vms.Select(v => v with { Host = placement[v.Id] })] },
            problem.Vms.ToImmutableDictionary(v => v.Id, v => placement[v.Id])));
    }

    [Fact]
    public async Task A_node_drained_for_maintenance_ends_empty()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(3, 60), Vms(2, 100), Vms(2, 100), Vms(1, 100)], fakeClock: new());
        await c.Grains.GetGrain<INodeGrain>("n0").SetMaintenanceAsync(true);
        await c.WaitUntilAsync(async () => !(await c.Placement()).ContainsValue("n0"), "n0 drained");
        await c.WaitUntilQuietAsync();

        var report = Only(c);
        Assert.Equal(("n0", EventKind.Maintenance, PartitionOutcome.Solved), (report.Event.Node, report.Event.Kind, report.Outcome));
        Assert.Equal(["n0", "n1"], report.Nodes.Order());
        Assert.Equal(3, report.Migrations);
        c.AssertPlansSafe();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DvmsCollection
{
    public const string Name = "DVMS clusters (timing-sensitive: one at a time)";
}
