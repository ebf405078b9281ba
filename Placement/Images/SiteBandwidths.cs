namespace Discovery.Images;

/// <summary>
/// The bandwidth of the links images cross, in Mbit/s: between two PoPs as configured
/// (<c>Images:SiteBandwidthMbps:&lt;a&gt;:&lt;b&gt;</c>, symmetric like <c>SiteDistances</c>), <see cref="DefaultSiteMbps"/>
/// for a pair not given, and each node's own link inside its PoP (<see cref="NodeMbps"/>).
/// </summary>
public sealed class SiteBandwidths
{
    private readonly Dictionary<(string, string), double> _pairs;

    /// <summary>From configuration's shape (site, other site, Mbit/s); throws with the first of <see cref="Problems"/>.</summary>
    public SiteBandwidths(IReadOnlyDictionary<string, Dictionary<string, double>>? pairs = null, double defaultSiteMbps = 1_000, double nodeMbps = 10_000)
    {
        pairs ??= new Dictionary<string, Dictionary<string, double>>();
        if (Problems(pairs, defaultSiteMbps, nodeMbps) is [var first, ..]) throw new ArgumentOutOfRangeException(nameof(pairs), first);
        _pairs = SitePairs.BothWays(pairs);
        DefaultSiteMbps = defaultSiteMbps;
        NodeMbps = nodeMbps;
    }

    /// <summary>Every link at its default: 1 Gbit/s between PoPs, 10 Gbit/s per node.</summary>
    public static SiteBandwidths Default { get; } = new();

    /// <summary>A pair of PoPs not configured.</summary>
    public double DefaultSiteMbps { get; }

    /// <summary>A node's link inside its PoP (to the PoP's store and to its peers).</summary>
    public double NodeMbps { get; }

    /// <summary>What is wrong with the figures, each naming its key: a bandwidth must be a positive number; a pair given both ways, once.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, Dictionary<string, double>> pairs, double defaultSiteMbps = 1_000, double nodeMbps = 10_000)
    {
        var problems = new List<string>();
        static bool Positive(double v) => v > 0 && !double.IsInfinity(v);
        if (!Positive(defaultSiteMbps)) problems.Add($"Images:DefaultSiteMbps: must be a positive number of Mbit/s, got {defaultSiteMbps}");
        if (!Positive(nodeMbps)) problems.Add($"Images:NodeMbps: must be a positive number of Mbit/s, got {nodeMbps}");
        foreach (var (a, row) in pairs)
            foreach (var (b, mbps) in row)
            {
                if (!Positive(mbps)) problems.Add($"Images:SiteBandwidthMbps:{a}:{b}: must be a positive number of Mbit/s, got {mbps}");
                else if (a == b) problems.Add($"Images:SiteBandwidthMbps:{a}:{b}: a PoP's link to itself is its nodes' (Images:NodeMbps)");
                else if (SitePairs.GivenTwice(pairs, a, b, mbps) is { } other)
                    problems.Add($"Images:SiteBandwidthMbps:{a}:{b}: {mbps} one way and {other} the other; a link holds both ways, give it once");
            }
        return problems;
    }

    /// <summary>Mbit/s between two PoPs (<see cref="NodeMbps"/> for a PoP and itself).</summary>
    public double Mbps(string a, string b) => a == b ? NodeMbps : _pairs.TryGetValue((a, b), out var m) ? m : DefaultSiteMbps;

    /// <summary>Bytes per second between two PoPs.</summary>
    public double BytesPerSecond(string a, string b) => Mbps(a, b) * 1_000_000 / 8;
}
