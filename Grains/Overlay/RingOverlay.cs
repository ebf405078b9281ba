namespace Discovery.Overlay;

/// <summary>
/// Locality first: nodes sorted by site then name; the successor of a node is the next node of its
/// site, and after the last one the first node of the next site; the last site wraps to the first.
/// </summary>
public sealed class RingOverlay : IOverlay
{
    private readonly string[] _ring;
    private readonly Dictionary<string, int> _position;

    public RingOverlay(IEnumerable<(string Node, string Site)> nodes)
    {
        _ring = nodes.OrderBy(n => n.Site, StringComparer.Ordinal).ThenBy(n => n.Node, StringComparer.Ordinal).Select(n => n.Node).ToArray();
        _position = new Dictionary<string, int>(_ring.Length, StringComparer.Ordinal);
        for (var i = 0; i < _ring.Length; i++)
            if (!_position.TryAdd(_ring[i], i)) throw new ArgumentException($"node '{_ring[i]}' appears twice in the overlay", nameof(nodes));
    }

    public IReadOnlyList<string> Nodes => _ring;

    public string? Successor(string node) =>
        _position.TryGetValue(node, out var i) ? _ring[(i + 1) % _ring.Length] : null;
}
