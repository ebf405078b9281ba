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
    long ReOverloads = 0,
    double CpuCapacity = 0,
    long Overloads = 0)
{
    /// <summary>
    /// The totals of datacentres that together hold one infrastructure (one per silo, on one clock): sums, the mean load
    /// weighted by capacity, at the latest of their instants.
    /// </summary>
    public static DatacenterTotals Combine(IReadOnlyList<DatacenterTotals> parts)
    {
        if (parts.Count == 1) return parts[0];
        var perNode = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in parts)
            foreach (var (node, v) in p.ViolationSecondsPerNode) perNode[node] = v;
        var capacity = parts.Sum(p => p.CpuCapacity);
        return new DatacenterTotals(parts.Max(p => p.At), parts.Sum(p => p.ViolationSeconds), perNode,
            capacity == 0 ? 0 : parts.Sum(p => p.MeanCpuLoad * p.CpuCapacity) / capacity, parts.Sum(p => p.OverloadedNodes),
            parts.Sum(p => p.MigrationsInFlight), parts.Sum(p => p.LoadChanges), parts.Sum(p => p.MigrationsCompleted), parts.Sum(p => p.ReOverloads), capacity,
            parts.Sum(p => p.Overloads));
    }
}
