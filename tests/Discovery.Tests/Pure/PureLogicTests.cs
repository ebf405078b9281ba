using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Scheduling;
using Discovery.Time;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Pure;

public sealed class RingOverlayTests
{
    [Fact]
    public void Successor_is_the_next_node_of_the_site_then_the_next_site_wrapping_round()
    {
        var overlay = new RingOverlay([("b2", "site-b"), ("a1", "site-a"), ("b1", "site-b"), ("a2", "site-a")]);
        Assert.Equal(["a1", "a2", "b1", "b2"], overlay.Nodes);
        Assert.Equal("a2", overlay.Successor("a1"));
        Assert.Equal("b1", overlay.Successor("a2"));
        Assert.Equal("a1", overlay.Successor("b2"));
        Assert.Null(overlay.Successor("ghost"));
    }

    [Fact]
    public void A_node_listed_twice_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new RingOverlay([("a", "s"), ("a", "s")]));
        Assert.Contains("'a' appears twice", e.Message);
    }
}

public sealed class EventDetectorTests
{
    private static NodeSnapshot Node(bool maintenance, params int[] demands) => new("n", "s", Resources.OfCores(4, 8192),
        [.. demands.Select((d, i) => new VmSnapshot($"v{i}", VmState.Running, 1, 512, d, "n"))], maintenance, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Overload_underload_and_maintenance_are_told_apart()
    {
        Assert.Equal(EventKind.Overload, EventDetector.Detect(Node(false, 100, 100, 100, 100, 1), null));
        Assert.Null(EventDetector.Detect(Node(false, 100, 100, 100, 100), null));                 // exactly full is viable
        Assert.Null(EventDetector.Detect(Node(false, 10), null));                                 // underload off by default
        Assert.Equal(EventKind.Underload, EventDetector.Detect(Node(false, 10), 0.2));
        Assert.Null(EventDetector.Detect(Node(false), 0.2));                                       // an empty node has nothing to move
        Assert.Equal(EventKind.Maintenance, EventDetector.Detect(Node(true, 100, 100, 100, 100, 1), null)); // drain first
        Assert.Null(EventDetector.Detect(Node(true), null));                                       // drained
    }
}

public sealed class TimeTests
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

    [Fact]
    public void Dvms_options_are_validated_by_name()
    {
        var options = new DvmsOptions { LeaseTimeout = TimeSpan.FromMilliseconds(100), UnderloadThreshold = 2, MaxPartitionSize = 0 };
        var problems = new DvmsOptionsValidator().Validate(null, options).Failures!;
        Assert.Contains(problems, p => p.StartsWith("LeaseTimeout: must exceed LeaseRenewalPeriod"));
        Assert.Contains(problems, p => p.StartsWith("UnderloadThreshold: must be within (0, 1)"));
        Assert.Contains(problems, p => p.StartsWith("MaxPartitionSize: must be at least 1"));
        Assert.True(new DvmsOptionsValidator().Validate(null, new DvmsOptions()).Succeeded);
    }
}
