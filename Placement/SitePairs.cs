namespace Discovery;

/// <summary>
/// A figure per pair of sites as configuration gives it (site, other site, figure), holding both ways: what site
/// distances and the links between PoPs share.
/// </summary>
public static class SitePairs
{
    /// <summary>Every pair both ways (callers check <see cref="GivenTwice"/> first).</summary>
    public static Dictionary<(string, string), double> BothWays(IReadOnlyDictionary<string, Dictionary<string, double>> pairs)
    {
        var both = new Dictionary<(string, string), double>();
        foreach (var (a, row) in pairs)
            foreach (var (b, value) in row)
            {
                both[(a, b)] = value;
                both[(b, a)] = value;
            }
        return both;
    }

    /// <summary>The other way's figure when the pair <paramref name="a"/>, <paramref name="b"/> is given both ways with two figures (reported once, from its first site in name order); else null.</summary>
    public static double? GivenTwice(IReadOnlyDictionary<string, Dictionary<string, double>> pairs, string a, string b, double value) =>
        pairs.TryGetValue(b, out var back) && back.TryGetValue(a, out var other) && other != value && StringComparer.Ordinal.Compare(a, b) < 0 ? other : null;
}
