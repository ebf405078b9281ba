using Discovery.Model;
using Discovery.Scheduling;
using Discovery.Tests.Support;

namespace Discovery.Tests.Scheduling;

/// <summary>
/// Headroom in partitions (nodes of 400 CPU, target 90 % = 360). n0: 440, its VMs of 100, 80 and 60 CPU
/// cheap to move (1024, 768 and 512 MiB), two of 100 that are not (2 GiB); n1: 300; n2: 50. The ring is
/// n0, n1, n2. With n0 and n1 alone, only filling n1 to 360 with the 60 solves the overload, which leaves
/// n0 at 380: above the target. On a fake clock.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class HeadroomScenarioTests
{
    private static readonly (int Cpu, int MemoryMiB)[][] Nodes =
    [
        [(100, 1024), (80, 768), (60, 512), (100, 2048), (100, 2048)],
        [(100, 1024), (100, 1024), (100, 1024)],
        [(50, 1024)],
    ];

    [Fact]
    public async Task A_partition_grows_past_a_full_neighbour_to_a_node_with_room_and_brings_the_overload_down_to_the_target()
    {
        await using var c = await DvmsCluster.StartAsync(Nodes, headroom: 0.9, fakeClock: new());
        // While the VM is in flight, only its source and its destination are still held: n1, which the plan leaves alone,
        // was let go before the plan started.
        await c.WaitUntilAsync(() => c.Datacenter.GetTotals().MigrationsInFlight == 1, "the VM is in flight");
        Assert.Equal(["n0", "n2"], (await c.Statuses()).Where(s => s.Reservation is not null).Select(s => s.Node).Order());
        await c.WaitUntilQuietAsync();
        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal(PartitionOutcome.Solved, report.Outcome);
        Assert.Equal(["n0", "n1", "n2"], report.Nodes.Order()); // n1 was held until the plan: it counts in the partition
        var plan = Assert.Single(c.Journal.Plans);
        var m = Assert.Single(plan.Result.Plan.Migrations);
        Assert.Equal(("v0-1", "n0", "n2"), (m.Vm, m.From, m.To)); // the 80: n0 ends at 360, n2 at 130
        Assert.Equal(0, plan.Result.HeadroomExcess);
        var loads = c.Datacenter.Hypervisors.ToDictionary(h => h.Node, h => h.Peek().Demand.Cpu);
        Assert.Equal(new Dictionary<string, int> { ["n0"] = 360, ["n1"] = 300, ["n2"] = 130 }, loads);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task Without_a_target_the_neighbour_is_filled_and_the_partition_stays_at_two_nodes()
    {
        await using var c = await DvmsCluster.StartAsync(Nodes, headroom: null, fakeClock: new());
        await c.WaitUntilQuietAsync();
        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal(["n0", "n1"], report.Nodes.Order());
        var m = Assert.Single(Assert.Single(c.Journal.Plans).Result.Plan.Migrations);
        Assert.Equal(("v0-2", "n1"), (m.Vm, m.To)); // the 60 (512 MiB): n1 at 360, n0 left at 380
        Assert.Equal(380, c.Datacenter["n0"].Peek().Demand.Cpu);
    }

    /// <summary>
    /// Pressure (threshold 95 % = 380): n0 at 390 (three VMs of 100 at 2 GiB, one of 90 at 768 MiB) is not overloaded;
    /// n1 at 340 takes nothing under 360; n2 at 50 has room.
    /// </summary>
    private static readonly (int Cpu, int MemoryMiB)[][] Pressured =
    [
        [(100, 2048), (100, 2048), (100, 2048), (90, 768)],
        [(100, 1024), (100, 1024), (100, 1024), (40, 1024)],
        [(50, 1024)],
    ];

    [Fact]
    public async Task A_pressured_node_is_relieved_before_it_overloads_onto_the_first_neighbour_with_room_for_its_excess()
    {
        await using var c = await DvmsCluster.StartAsync(Pressured, new DvmsOptions { PressureThreshold = 0.95 }, headroom: 0.9, fakeClock: new());
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0, "the partition ends"); // nothing is overloaded: quiet from the start
        await c.WaitUntilQuietAsync();
        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal((EventKind.Pressure, PartitionOutcome.Solved), (report.Event.Kind, report.Outcome));
        Assert.Equal(["n0", "n2"], report.Nodes.Order()); // n1 (room 20 under 360, n0 must shed 30) was handed back at once
        var m = Assert.Single(Assert.Single(c.Journal.Plans).Result.Plan.Migrations);
        Assert.Equal(("v0-3", "n0", "n2"), (m.Vm, m.From, m.To)); // the 90 (768 MiB): n0 ends at 300, n2 at 140
        var loads = c.Datacenter.Hypervisors.ToDictionary(h => h.Node, h => h.Peek().Demand.Cpu);
        Assert.Equal(new Dictionary<string, int> { ["n0"] = 300, ["n1"] = 340, ["n2"] = 140 }, loads);
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task The_central_loop_relieves_a_pressured_node_in_its_round_as_a_partition_would()
    {
        await using var c = await DvmsCluster.StartAsync(Pressured, new DvmsOptions { Enabled = false, PressureThreshold = 0.95 }, headroom: 0.9, fakeClock: new());
        var central = c.Grains.GetGrain<ICentralSchedulerGrain>("all");
        await central.RunAsync(["n0", "n1", "n2"], TimeSpan.FromSeconds(2));
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0 && c.Datacenter.GetTotals().MigrationsInFlight == 0, "the round ends");
        await central.StopAsync();
        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal((EventKind.Pressure, PartitionOutcome.Solved, "n0"), (report.Event.Kind, report.Outcome, report.Event.Node));
        var m = Assert.Single(Assert.Single(c.Journal.Plans).Result.Plan.Migrations);
        Assert.Equal(("v0-3", "n0", "n2"), (m.Vm, m.From, m.To));
        Assert.Equal(300, c.Datacenter["n0"].Peek().Demand.Cpu);
    }

    [Fact]
    public async Task A_pressure_with_no_room_under_the_target_nearby_gives_up_without_moving_anything()
    {
        // n2 is as full as n1 (room 20 under 360 each, n0 must shed 30): both are handed back at once, and nothing is solved on n0 alone.
        (int, int)[][] full = [Pressured[0], Pressured[1], Pressured[1]];
        await using var c = await DvmsCluster.StartAsync(full, new DvmsOptions { PressureThreshold = 0.95, RetryBackoff = TimeSpan.FromHours(1) }, headroom: 0.9, fakeClock: new());
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0, "the partition ends");
        var report = c.Journal.Reports[0];
        Assert.Equal((EventKind.Pressure, PartitionOutcome.GaveUp, "pressure: no plan brings it under the headroom target of 90 % on 1 node(s)"),
            (report.Event.Kind, report.Outcome, report.Detail));
        Assert.Empty(c.Journal.Plans);
        Assert.Equal(0, c.Datacenter.GetTotals().MigrationsCompleted);
    }

    [Fact]
    public async Task A_partition_at_the_size_cap_gives_up_saying_so()
    {
        // Two nodes that cannot hold n0's load between them, with the cap at 2: growth stops, nothing to merge with.
        await using var c = await DvmsCluster.StartAsync([[(100, 512), (100, 512), (100, 512), (100, 512), (100, 512)], [(100, 512), (100, 512), (100, 512), (100, 512)], [(0, 512)]],
            new DvmsOptions { MaxPartitionSize = 2, RetryBackoff = TimeSpan.FromHours(1), PressureThreshold = null }, headroom: 0.9, fakeClock: new()); // n1, full, is no pressure here
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0, "the partition ends");
        var report = c.Journal.Reports[0];
        Assert.Equal((PartitionOutcome.GaveUp, "no solution within the partition size cap of 2 nodes (MaxPartitionSize)"), (report.Outcome, report.Detail));
        Assert.Equal(["n0", "n1"], report.Nodes.Order());
    }
}
