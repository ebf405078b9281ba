using Discovery.Model;
using Discovery.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Scheduling;

/// <summary><see cref="CentralSchedulerGrain"/>: rounds over a whole scope, one event per triggered node, each relieved in one plan.</summary>
[Collection(DvmsCollection.Name)]
public sealed class CentralSchedulerGrainTests
{
    private static readonly DvmsOptions Central = new() { Enabled = false };

    private static async Task<PartitionReport> RunUntilReported(DvmsCluster c, int nodes)
    {
        var central = c.Grains.GetGrain<ICentralSchedulerGrain>("site");
        await central.RunAsync([.. Enumerable.Range(0, nodes).Select(n => $"n{n}")], TimeSpan.FromSeconds(2));
        Assert.True(await central.IsRunningAsync());
        await c.WaitUntilQuietAsync();
        await c.WaitUntilAsync(() => c.Journal.Reports.Count > 0, "the round's report");
        await central.StopAsync();
        await c.WaitUntilAsync(async () => !await central.IsRunningAsync(), "the central loop stops");
        return Assert.Single(c.Journal.Reports);
    }

    [Fact]
    public async Task An_overload_is_solved_in_one_round_with_one_migration()
    {
        // n0 asks for 500 of its 400: moving one VM of 100 (the least memory) to n1 or n2 is the plan.
        await using var c = await DvmsCluster.StartAsync([Vms(5, 100), Vms(1, 100), Vms(1, 100)], Central);
        var report = await RunUntilReported(c, 3);

        Assert.Matches("^site-[0-9]+-n0$", report.PartitionId);
        Assert.Equal((EventKind.Overload, PartitionOutcome.Solved, 1, (string?)null), (report.Event.Kind, report.Outcome, report.Migrations, report.Detail));
        Assert.Equal(["n0", "n1", "n2"], report.Nodes.AsEnumerable());
        var plan = Assert.Single(c.Journal.Plans);
        Assert.Equal("n0", Assert.Single(plan.Result.Plan.Migrations).From);
        Assert.Equal(4, (await c.Placement()).Count(p => p.Value == "n0"));
        c.AssertPlansSafe();
    }

    [Fact]
    public async Task A_pressured_node_comes_down_to_the_headroom_target_in_one_round()
    {
        // n0 at 360 of 400 (90 %) is above the 85 % pressure threshold, not overloaded: one VM moves and it lands at or under 80 %.
        await using var c = await DvmsCluster.StartAsync([[100, 100, 100, 60], Vms(1, 100)], Central with { PressureThreshold = 0.85 }, headroom: 0.8);
        var report = await RunUntilReported(c, 2);

        Assert.Equal((EventKind.Pressure, PartitionOutcome.Solved, 1), (report.Event.Kind, report.Outcome, report.Migrations));
        Assert.Equal(3, (await c.Placement()).Count(p => p.Value == "n0"));
        c.AssertPlansSafe();
    }
}
