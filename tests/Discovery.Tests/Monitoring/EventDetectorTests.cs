using Discovery.Model;
using Discovery.Monitoring;

namespace Discovery.Tests.Monitoring;

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

    [Fact]
    public void A_pressure_is_a_load_above_its_threshold_that_is_not_an_overload_yet()
    {
        // 4 cores = 400; threshold 95 % = 380.
        Assert.Equal(EventKind.Pressure, EventDetector.Detect(Node(false, 100, 100, 100, 81), null, 0.95));
        Assert.Null(EventDetector.Detect(Node(false, 100, 100, 100, 80), null, 0.95));             // exactly at the threshold
        Assert.Null(EventDetector.Detect(Node(false, 100, 100, 100, 81), null));                   // off without a threshold
        Assert.Equal(EventKind.Overload, EventDetector.Detect(Node(false, 100, 100, 100, 100, 1), null, 0.95));
        Assert.Equal(EventKind.Maintenance, EventDetector.Detect(Node(true, 100, 100, 100, 81), null, 0.95));
        Assert.Equal(EventKind.Underload, EventDetector.Detect(Node(false, 10), 0.2, 0.95));
    }

    [Fact]
    public void A_pressure_that_turns_into_an_overload_still_holds_and_one_that_eased_does_not()
    {
        Assert.True(EventDetector.StillHolds(EventKind.Pressure, Node(false, 100, 100, 100, 81), null, 0.95));
        Assert.True(EventDetector.StillHolds(EventKind.Pressure, Node(false, 100, 100, 100, 100, 1), null, 0.95)); // its partition is the cure
        Assert.False(EventDetector.StillHolds(EventKind.Pressure, Node(false, 100, 100, 100, 80), null, 0.95));
        Assert.False(EventDetector.StillHolds(EventKind.Overload, Node(false, 100, 100, 100, 81), null, 0.95)); // an overload that eased to a pressure ends
    }
}
