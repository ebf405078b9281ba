using Discovery.Time;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Time;

public sealed class ScaledTimeProviderTests
{
    [Fact]
    public void Scaled_time_runs_k_times_faster_and_timers_fire_k_times_sooner()
    {
        var wall = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var infra = new ScaledTimeProvider(10, wall);
        var fired = 0;
        using var timer = infra.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        wall.Advance(TimeSpan.FromSeconds(0.9));
        Assert.Equal(0, fired);
        wall.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, fired);
        Assert.Equal(DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(10), infra.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(10), new InfrastructureClock(infra).Since(infra.GetTimestamp() - 10 * wall.TimestampFrequency));
    }

    [Fact]
    public void A_speedup_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledTimeProvider(0.5));
    }
}
