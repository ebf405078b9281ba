namespace Discovery.Overlay;

/// <summary>
/// How far sites (PoPs) are from each other, as configured (a latency in ms, a hop count: any
/// non-negative figure, only the order matters). Symmetric: a pair given one way holds both ways.
/// A pair not given is farther than every pair given; among equals, a partition tries the sites
/// that follow its own in name order first, so that the sites' overflows do not all go to one site.
/// </summary>
public sealed class SiteDistances
{
    private readonly Dictionary<(string, string), double> _pairs;

    /// <summary>No distance known: every other site is as far as the next.</summary>
    public static SiteDistances None { get; } = new(new Dictionary<string, Dictionary<string, double>>());

    /// <summary>From configuration's shape: site, then other site, then distance; throws with the first of <see cref="Problems"/>.</summary>
    public SiteDistances(IReadOnlyDictionary<string, Dictionary<string, double>> distances)
    {
        if (Problems(distances) is [var first, ..]) throw new ArgumentOutOfRangeException(nameof(distances), first);
        _pairs = SitePairs.BothWays(distances);
    }

    /// <summary>What is wrong with <paramref name="distances"/>, each naming its pair: a distance that is not a non-negative number, or a pair given both ways with two values.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, Dictionary<string, double>> distances)
    {
        var problems = new List<string>();
        foreach (var (a, row) in distances)
            foreach (var (b, d) in row)
            {
                if (!(d >= 0) || double.IsInfinity(d)) problems.Add($"SiteDistances:{a}:{b}: must be a non-negative number, got {d}");
                else if (SitePairs.GivenTwice(distances, a, b, d) is { } other)
                    problems.Add($"SiteDistances:{a}:{b}: {d} one way and {other} the other; a distance holds both ways, give it once");
            }
        return problems;
    }

    /// <summary>The distance between two sites: 0 for a site and itself, +infinity for a pair not given.</summary>
    public double Between(string a, string b) =>
        a == b ? 0 : _pairs.TryGetValue((a, b), out var d) ? d : double.PositiveInfinity;

    /// <summary>
    /// Every site of <paramref name="sites"/> but <paramref name="origin"/>, nearest first; ties in the
    /// ring order of names that starts after the origin.
    /// </summary>
    public IReadOnlyList<string> FartherThan(string origin, IReadOnlyList<string> sites)
    {
        var ordered = sites.Order(StringComparer.Ordinal).ToList();
        var start = ordered.FindIndex(s => StringComparer.Ordinal.Compare(s, origin) > 0);
        if (start < 0) start = 0;
        var ring = ordered.Skip(start).Concat(ordered.Take(start)).Where(s => s != origin).ToList();
        return [.. ring.Select((s, i) => (s, i)).OrderBy(x => Between(origin, x.s)).ThenBy(x => x.i).Select(x => x.s)];
    }
}
