using Discovery.Environments;

namespace Discovery.Tests.Environments;

public sealed class VeLifecycleTests
{
    [Theory]
    [InlineData(VeState.Running, VeOperation.Start, "noop")]
    [InlineData(VeState.Pending, VeOperation.Start, "noop")]
    [InlineData(VeState.Stopped, VeOperation.Start, "go")]
    [InlineData(VeState.Failed, VeOperation.Start, "go")]
    [InlineData(VeState.Suspended, VeOperation.Start, "the VE is suspended: resume it")]
    [InlineData(VeState.Stopped, VeOperation.Stop, "noop")]
    [InlineData(VeState.Running, VeOperation.Stop, "go")]
    [InlineData(VeState.Suspended, VeOperation.Stop, "go")]
    [InlineData(VeState.Pending, VeOperation.Stop, "go")]
    [InlineData(VeState.Running, VeOperation.Suspend, "go")]
    [InlineData(VeState.Suspended, VeOperation.Suspend, "noop")]
    [InlineData(VeState.Stopped, VeOperation.Suspend, "the VE is Stopped: only a running VE can be suspended")]
    [InlineData(VeState.Suspended, VeOperation.Resume, "go")]
    [InlineData(VeState.Running, VeOperation.Resume, "noop")]
    [InlineData(VeState.Stopped, VeOperation.Resume, "the VE is stopped: start it")]
    [InlineData(VeState.Pending, VeOperation.Resume, "the VE is Pending: only a suspended VE can be resumed")]
    [InlineData(VeState.Running, VeOperation.Delete, "go")]
    [InlineData(VeState.Deleted, VeOperation.Delete, "noop")]
    [InlineData(VeState.Deleted, VeOperation.Start, "the VE was deleted: submit it again")]
    public void Each_operation_goes_ahead_does_nothing_or_is_refused_with_the_reason(VeState state, VeOperation operation, string expected)
    {
        var decision = VeLifecycle.Decide(state, operation);
        var actual = decision.Go ? "go" : decision.Refusal ?? "noop";
        Assert.Equal(expected, actual);
    }
}

public sealed class CrashLoopGuardTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Back_off_doubles_then_the_third_crash_in_the_window_fails()
    {
        var crashes = new List<DateTimeOffset>();
        Assert.Equal((false, TimeSpan.FromSeconds(1)), CrashLoopGuard.OnCrash(crashes, T0));
        Assert.Equal((false, TimeSpan.FromSeconds(2)), CrashLoopGuard.OnCrash(crashes, T0.AddSeconds(10)));
        Assert.Equal((true, TimeSpan.Zero), CrashLoopGuard.OnCrash(crashes, T0.AddSeconds(20)));
    }

    [Fact]
    public void Crashes_older_than_the_window_are_forgotten()
    {
        var crashes = new List<DateTimeOffset>();
        CrashLoopGuard.OnCrash(crashes, T0);
        CrashLoopGuard.OnCrash(crashes, T0.AddSeconds(1));
        Assert.Equal((false, TimeSpan.FromSeconds(2)), CrashLoopGuard.OnCrash(crashes, T0 + CrashLoopGuard.Window + TimeSpan.FromSeconds(0.5)));
        Assert.Equal(2, crashes.Count);
    }
}
