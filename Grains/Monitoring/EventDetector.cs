using Discovery.Model;

namespace Discovery.Monitoring;

/// <summary>Decides, from one snapshot, whether a node has an event (pure logic).</summary>
public static class EventDetector
{
    /// <summary>Maintenance first (it must be drained), then overload, then underload when enabled.</summary>
    public static EventKind? Detect(NodeSnapshot snapshot, double? underloadThreshold)
    {
        var hosting = snapshot.Vms.Any(v => v.HoldsResources && v.Host == snapshot.Node);
        if (snapshot.Maintenance && hosting) return EventKind.Maintenance;
        if (snapshot.Overloaded) return EventKind.Overload;
        if (underloadThreshold is { } t && hosting && snapshot.CpuLoad < t) return EventKind.Underload;
        return null;
    }

    /// <summary>True when the event that started a partition still holds.</summary>
    public static bool StillHolds(EventKind kind, NodeSnapshot snapshot, double? underloadThreshold) =>
        Detect(snapshot, underloadThreshold) == kind;
}
