using System.Collections.Concurrent;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Solving;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Environments;

/// <summary>
/// A Pending VE on a fake clock: its own tries follow its seeded backoff (10 s doubling, ±20 %), one admission solve each, and
/// room appearing makes it try at once and start over at the first wait.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class PendingRetryScheduleTests
{
    [Fact]
    public async Task A_pending_ve_backs_off_with_its_seeded_jitter_and_starts_over_when_room_appears()
    {
        var fake = new FakeClockDriver();
        var tries = new ConcurrentQueue<DateTimeOffset>();
        // One node of 4 cores and 8 GiB running a 512 MiB VM: a VM of 8 GiB fits the node, never beside it.
        await using var c = await DvmsCluster.StartAsync([Vms(1, 10)], new Discovery.Scheduling.DvmsOptions { Enabled = false }, fakeClock: fake,
            configure: silo => silo.AddIncomingGrainCallFilter(async context =>
            {
                if (context.Grain is SolverGrain && context.MethodName == nameof(ISolverGrain.SolveAdmissionAsync)) tries.Enqueue(fake.Time.GetUtcNow());
                await context.Invoke();
            }));
        var policy = new Discovery.Scheduling.DvmsOptions().PendingRetry;
        var expected = new PendingBackoff(policy, new Random(VePlacer.StableHash("alice/big") ^ policy.Seed));

        var view = await c.Grains.GetGrain<IVeGrain>("alice/big").SubmitAsync(new VeSpec("", [new VmSpec("big", 1, 8192, "debian-12", 100)], []));
        Assert.Equal(VeState.Pending, view.State);
        Assert.Single(tries);
        var waits = new List<TimeSpan> { expected.Next(), expected.Next(), expected.Next() };
        await c.AdvanceUntilAsync(() => Task.FromResult(tries.Count == 4), "three tries of its own", TimeSpan.FromMinutes(3));

        var at = tries.ToList();
        for (var i = 0; i < 3; i++) AssertWait(waits[i], at[i + 1] - at[i], $"wait {i + 1}");

        await c.Grains.VeDirectory().RoomAppearedAsync("a test says so");
        await c.AdvanceUntilAsync(() => Task.FromResult(tries.Count == 5), "a try when room appears", TimeSpan.FromSeconds(1));
        expected.Reset();
        var afterReset = expected.Next();
        await c.AdvanceUntilAsync(() => Task.FromResult(tries.Count == 6), "a try of its own after the reset", TimeSpan.FromMinutes(1));
        at = [.. tries];
        AssertWait(afterReset, at[5] - at[4], "the first wait again");
        Assert.InRange(afterReset.TotalSeconds, 8, 12);
    }

    /// <summary>The fake clock moves in steps of <see cref="FakeClockDriver.Step"/>: a try fires at the first step at or past its due time.</summary>
    private static void AssertWait(TimeSpan expected, TimeSpan actual, string what)
    {
        if (actual < expected || actual > expected + FakeClockDriver.Step * 2)
            Assert.Fail($"{what}: expected {expected.TotalSeconds:0.###} s (within a step), got {actual.TotalSeconds:0.###} s");
    }
}
