using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Scheduling;

/// <summary>
/// Safety and liveness on a live cluster: exclusive reservations, contention, dead leaders, release on every outcome. On a fake
/// clock, but for the killed partition: it must be caught holding nodes mid-way, a state that on a fake clock begins and ends
/// between two steps (a partition grows and gives up without waiting on the clock).
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class DvmsSafetyTests
{
    [Fact]
    public async Task A_node_granted_to_one_partition_is_refused_to_every_other()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(2, 100), Vms(2, 100)], new DvmsOptions { LeaseTimeout = TimeSpan.FromSeconds(60) }, fakeClock: new());
        var n1 = c.Grains.GetGrain<INodeGrain>("n1");
        var granted = ReserveReply.Grant with { CpuLoad = 0.5, CpuCapacity = 400 }; // a grant carries the node's load and capacity: 200 of 400
        Assert.Equal(granted, await n1.ReserveAsync("p-a"));
        Assert.Equal(new ReserveReply(false, "p-a"), await n1.ReserveAsync("p-b"));
        Assert.False(await n1.RenewAsync("p-b"));
        Assert.False(await n1.TransferAsync("p-b", "p-c"));
        await n1.ReleaseAsync("p-b", PartitionOutcome.Solved);
        Assert.Equal("p-a", (await n1.GetStatusAsync()).Reservation?.PartitionId);
        await n1.ReleaseAsync("p-a", PartitionOutcome.Solved);
        Assert.Equal(granted, await n1.ReserveAsync("p-b"));
    }

    [Fact]
    public async Task Many_simultaneous_overloads_on_a_tight_ring_are_all_solved_on_disjoint_nodes()
    {
        // Six overloaded nodes next to each other, six with room further on: partitions meet,
        // skip each other's nodes, block and merge. 240 of CPU must move; 400 is free.
        int[][] vms =
        [
            Vms(11, 40), Vms(11, 40), Vms(11, 40), Vms(11, 40), Vms(11, 40), Vms(11, 40),
            Vms(8, 40), Vms(8, 40), Vms(8, 40), Vms(8, 40), Vms(9, 40), Vms(9, 40),
        ];
        await using var c = await DvmsCluster.StartAsync(vms, fakeClock: new());
        await c.WaitUntilQuietAsync();

        var reports = c.Journal.Reports;
        Assert.DoesNotContain(reports, r => r.Outcome == PartitionOutcome.Failed);
        // Every overloaded node's event ended solved, by its own partition or by one that absorbed it.
        Assert.Equal(["n0", "n1", "n2", "n3", "n4", "n5"],
            reports.Where(r => r.Outcome == PartitionOutcome.Solved).SelectMany(r => r.Nodes).Where(n => int.Parse(n[1..]) < 6).Distinct().Order());
        // Partitions ran at the same time, on disjoint nodes.
        Assert.Contains(reports, a => reports.Any(b => a != b && a.StartedAt < b.EndedAt && b.StartedAt < a.EndedAt));
        foreach (var a in reports.Where(r => r.Outcome == PartitionOutcome.Solved))
            foreach (var b in reports.Where(r => r != a && r.Outcome == PartitionOutcome.Solved && r.StartedAt < a.EndedAt && a.StartedAt < r.EndedAt))
                Assert.Empty(a.Nodes.Intersect(b.Nodes));
        Assert.Empty(await c.Reservations());
        Assert.Equal(0, c.Datacenter.GetTotals().OverloadedNodes);
        Assert.Equal(6, c.Datacenter.GetTotals().MigrationsCompleted);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task A_partition_that_gives_up_releases_every_node_at_once()
    {
        // No node has room: n0's partition goes round the ring and gives up. Leases last a minute and
        // the node waits a minute before retrying, so only the release itself can free the nodes.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(4, 100), Vms(4, 100), Vms(4, 100)],
            new DvmsOptions { LeaseTimeout = TimeSpan.FromSeconds(60), RetryBackoff = TimeSpan.FromSeconds(60) }, fakeClock: new());
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0, "n0's partition ended");

        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal((PartitionOutcome.GaveUp, 0), (report.Outcome, report.Migrations));
        Assert.Equal(["n0", "n1", "n2", "n3"], report.Nodes.Order());
        Assert.Empty(await c.Reservations());
    }

    [Fact]
    public async Task A_partition_that_loses_a_lease_while_applying_starts_no_further_step()
    {
        // n0 sheds a VM of 100 to n1 once n1's VM of 50 went to n2: a two-step plan over n0, n1, n2.
        // During the first step n2's reservation is taken from the partition (as if its lease ran
        // out): n2 may belong to someone else now, so the second step must not start.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), [100, 100, 100, 50], [100, 100, 80, 60], Vms(4, 100)],
            new DvmsOptions { RetryBackoff = TimeSpan.FromSeconds(600) }, fakeClock: new());
        await c.WaitUntilAsync(() => c.Datacenter.GetTotals().MigrationsInFlight > 0, "the first step migrating");
        var holder = (await c.Grains.GetGrain<INodeGrain>("n2").GetStatusAsync()).Reservation!.PartitionId;
        await c.Grains.GetGrain<IReservable>("n2").ReleaseAsync(holder, PartitionOutcome.Failed);
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0, "the partition ended");

        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal((holder, PartitionOutcome.Failed, 1), (report.PartitionId, report.Outcome, report.Migrations));
        Assert.Equal("lost the lease of n2 while applying its plan: the steps not started were dropped", report.Detail);
        await c.WaitUntilAsync(() => c.Datacenter.GetTotals().MigrationsInFlight == 0, "the first step landed");
        var placement = await c.Placement();
        Assert.Equal([5, 3, 5, 4], new[] { "n0", "n1", "n2", "n3" }.Select(n => placement.Count(p => p.Value == n)));
    }

    [Fact]
    public async Task A_dead_leaders_reservation_expires_and_the_event_is_solved_anyway()
    {
        // n1 is the only node with room, but a leader that died right after reserving it holds it.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 80), Vms(1, 100), Vms(4, 100), Vms(4, 100)], fakeClock: new());
        var ghost = "0000000000000000000-000000-dead-leader";
        Assert.True((await c.Grains.GetGrain<INodeGrain>("n1").ReserveAsync(ghost)).Granted);
        for (var j = 0; j < 5; j++) c.Datacenter.SetDemand($"v0-{j}", 100); // now n0 is overloaded

        await c.WaitUntilAsync(async () => (await c.Grains.GetGrain<INodeGrain>("n1").GetStatusAsync()).Reservation?.PartitionId != ghost,
            "the dead leader's lease on n1 expired");
        await c.WaitUntilQuietAsync();

        Assert.Contains(c.Journal.Reports, r => r.Event.Node == "n0" && r.Outcome == PartitionOutcome.Solved && r.Nodes.Contains("n1"));
        Assert.DoesNotContain(c.Journal.Reports, r => r.Nodes.Contains("n1") && r.StartedAt < c.Datacenter.StartedAt);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task A_partition_killed_mid_way_frees_its_nodes_through_the_lease()
    {
        // No node has room: n0's partition grows round the ring and then gives up, again and again.
        // Kill its leader while it holds nodes: those nodes must free themselves.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(4, 100), Vms(4, 100), Vms(4, 100)],
            new DvmsOptions { RetryBackoff = TimeSpan.FromSeconds(1) });

        string? leader = null;
        await c.WaitUntilAsync(async () =>
        {
            var held = (await c.Reservations()).Select(r => r.PartitionId).Distinct().ToList();
            leader = held.FirstOrDefault();
            return leader is not null && (await c.Grains.GetGrain<IPartitionGrain>(leader).GetStateAsync()).Nodes.Length >= 2;
        }, "a partition holding two nodes or more");

        await c.Cluster.DeactivateAsync(c.Grains.GetGrain<IPartitionGrain>(leader!));
        // Make room so that the next partition can succeed once the dead one's nodes are free.
        c.Datacenter.SetDemand("v3-0", 0);
        c.Datacenter.SetDemand("v3-1", 0);
        await c.WaitUntilQuietAsync();

        Assert.Contains(c.Journal.Reports, r => r.Event.Node == "n0" && r.Outcome == PartitionOutcome.Solved);
        c.AssertPlansSafe();
    }
}
