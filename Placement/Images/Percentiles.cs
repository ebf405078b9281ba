namespace Discovery.Images;

/// <summary>The benchmarks' one percentile: nearest rank.</summary>
public static class Percentiles
{
    /// <summary>Nearest-rank percentile <paramref name="p"/> (0..1) of a sorted list; 0 when empty.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
