using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Scheduling;

/// <summary><see cref="SchedulingControlGrain"/>: the cluster-wide pause switch holds node-triggered scheduling back until resumed.</summary>
[Collection(DvmsCollection.Name)]
public sealed class SchedulingControlGrainTests
{
    [Fact]
    public async Task While_paused_an_overload_starts_no_partition_and_once_resumed_it_is_solved()
    {
        // n0 runs at 400 of 400 with a fifth, idle VM; n1 is empty.
        await using var c = await DvmsCluster.StartAsync([[100, 100, 100, 100, 0], []]);
        var control = c.Grains.SchedulingControl();
        Assert.False(await control.IsPausedAsync());
        await control.PauseAsync();
        await control.PauseAsync(); // idempotent
        Assert.True(await control.IsPausedAsync());

        c.Datacenter.SetDemand("v0-4", 100); // 500 of 400
        var node = c.Grains.GetGrain<INodeGrain>("n0");
        var seen = DateTimeOffset.MaxValue;
        await c.WaitUntilAsync(async () => await node.GetSnapshotAsync() is { Overloaded: true } s && (seen = s.At) < DateTimeOffset.MaxValue, "n0 sees its overload");
        // Three more monitoring periods (1 s of infrastructure time each) see it too, and start nothing.
        await c.WaitUntilAsync(async () => (await node.GetSnapshotAsync()).At >= seen + TimeSpan.FromSeconds(3), "three more readings of n0");
        Assert.Empty(c.Journal.Reports);
        Assert.Empty(await c.Reservations());
        Assert.Equal(1, c.Datacenter.GetTotals().OverloadedNodes);

        await control.ResumeAsync();
        Assert.False(await control.IsPausedAsync());
        await c.WaitUntilQuietAsync();
        var report = Assert.Single(c.Journal.Reports);
        Assert.Equal((EventKind.Overload, PartitionOutcome.Solved, 1), (report.Event.Kind, report.Outcome, report.Migrations));
        c.AssertPlansSafe();
    }
}
