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
}
