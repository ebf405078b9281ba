namespace Discovery.Hypervisors.Simulated;

/// <summary>Ground truth of a simulated datacentre at one instant.</summary>
public sealed record DatacenterTotals(
    DateTimeOffset At,
    double ViolationSeconds,
    IReadOnlyDictionary<string, double> ViolationSecondsPerNode,
    double MeanCpuLoad,
    int OverloadedNodes,
    int MigrationsInFlight,
    long LoadChanges,
    long MigrationsCompleted,
    long ReOverloads = 0);
