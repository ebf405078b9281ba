using Discovery.Model;

namespace Discovery.Monitoring;

/// <summary>Decides, from one snapshot, whether a node has an event (pure logic).</summary>
public static class EventDetector
{
    /// <summary>Maintenance first (it must be drained), then overload, then pressure and underload when enabled.</summary>
    public static EventKind? Detect(NodeSnapshot snapshot, double? underloadThreshold, double? pressureThreshold = null)
    {
        var hosting = snapshot.Vms.Any(v => v.HoldsResources && v.Host == snapshot.Node);
        if (snapshot.Maintenance && hosting) return EventKind.Maintenance;
        if (snapshot.Overloaded) return EventKind.Overload;
        if (pressureThreshold is { } p && snapshot.CpuLoad > p) return EventKind.Pressure;
        if (underloadThreshold is { } t && hosting && snapshot.CpuLoad < t) return EventKind.Underload;
        return null;
    }

    /// <summary>True when the event that started a partition still holds (a pressure that became an overload still does: relieving it is the cure).</summary>
    public static bool StillHolds(EventKind kind, NodeSnapshot snapshot, double? underloadThreshold, double? pressureThreshold = null) =>
        Detect(snapshot, underloadThreshold, pressureThreshold) is { } now && (now == kind || (kind == EventKind.Pressure && now == EventKind.Overload));
}
