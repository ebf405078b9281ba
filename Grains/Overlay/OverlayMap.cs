using System.Collections.Frozen;

namespace Discovery.Overlay;

/// <summary>
/// One immutable view of the overlay (the seed's DNT): every node the cluster knows, by site, each
/// site a stable ring of its nodes in name order. A partition grows along the walk of its origin:
/// the origin's site first (from the node after the origin round to the origin), then the other
/// sites nearest first, each entered at the node that sits at the origin's relative position in
/// its own site (so that the overflows of one site spread over the next), then round again.
/// </summary>
public sealed class OverlayMap
{
    private readonly FrozenDictionary<string, string[]> _rings; // site to its nodes, name order
    private readonly FrozenDictionary<string, (string Site, int Index)> _position;
    private readonly SiteDistances _distances;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<string>> _siteOrder = new(StringComparer.Ordinal);
    private readonly string[] _sites;

    /// <summary>The empty overlay.</summary>
    public static OverlayMap Empty { get; } = new([], SiteDistances.None);

    public OverlayMap(IEnumerable<(string Node, string Site)> nodes, SiteDistances distances)
    {
        var position = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        var bySite = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (node, site) in nodes)
        {
            if (!position.TryAdd(node, (site, -1))) throw new ArgumentException($"node '{node}' appears twice in the overlay", nameof(nodes));
            if (!bySite.TryGetValue(site, out var list)) bySite[site] = list = [];
            list.Add(node);
        }
        var rings = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (site, list) in bySite)
        {
            var ring = list.Order(StringComparer.Ordinal).ToArray();
            rings[site] = ring;
            for (var i = 0; i < ring.Length; i++) position[ring[i]] = (site, i);
        }
        _rings = rings.ToFrozenDictionary(StringComparer.Ordinal);
        _position = position.ToFrozenDictionary(StringComparer.Ordinal);
        _sites = [.. rings.Keys.Order(StringComparer.Ordinal)];
        _distances = distances;
        Count = position.Count;
    }

    /// <summary>Number of nodes.</summary>
    public int Count { get; }

    /// <summary>The sites, in name order.</summary>
    public IReadOnlyList<string> Sites => _sites;

    /// <summary>Whether the overlay holds <paramref name="node"/>.</summary>
    public bool Contains(string node) => _position.ContainsKey(node);

    /// <summary>The site of <paramref name="node"/>, or null when the overlay does not hold it.</summary>
    public string? SiteOf(string node) => _position.TryGetValue(node, out var p) ? p.Site : null;

    /// <summary>The nodes of <paramref name="site"/> in ring order (empty for an unknown site).</summary>
    public IReadOnlyList<string> NodesOf(string site) => _rings.TryGetValue(site, out var ring) ? ring : [];

    /// <summary>
    /// The node after <paramref name="cursor"/> on the walk of <paramref name="origin"/> (its first node when the
    /// cursor is null, or a node that left the overlay). Null when the origin is not in the overlay, or alone in it.
    /// </summary>
    public string? Next(string origin, string? cursor)
    {
        if (!_position.TryGetValue(origin, out var o) || Count < 2) return null;
        if (cursor is null || !_position.TryGetValue(cursor, out var c))
            return _rings[o.Site].Length > 1 ? _rings[o.Site][Start(o.Site, o)] : FirstOfSiteAfter(o.Site, o);
        var ring = _rings[c.Site];
        var next = (c.Index + 1) % ring.Length;
        return next == Start(c.Site, o) ? FirstOfSiteAfter(c.Site, o) : ring[next];
    }

    /// <summary>The first node of the site that follows <paramref name="site"/> on the origin's walk (after the farthest, the origin's own).</summary>
    private string FirstOfSiteAfter(string site, (string Site, int Index) o)
    {
        var order = _siteOrder.GetOrAdd(o.Site, s => _distances.FartherThan(s, _sites));
        var at = site == o.Site ? -1 : IndexOf(order, site);
        var following = at + 1 < order.Count ? order[at + 1] : o.Site;
        return _rings[following][Start(following, o)];
    }

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }

    /// <summary>The node at which the origin's walk enters <paramref name="site"/>.</summary>
    private int Start(string site, (string Site, int Index) o)
    {
        var size = _rings[site].Length;
        if (site == o.Site) return (o.Index + 1) % size;
        var originSize = _rings[o.Site].Length;
        return (int)((long)o.Index * size / originSize);
    }
}
