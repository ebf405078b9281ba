using Discovery.Environments;

namespace Discovery.Tests.Environments;

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
