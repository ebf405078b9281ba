namespace Discovery.Overlay;

/// <summary>
/// The seed's DNT: which node a partition reserves next when it grows. Kept behind one
/// interface so sites, distances, joins and leaves can refine it.
/// </summary>
public interface IOverlay
{
    /// <summary>Every node, in overlay order.</summary>
    IReadOnlyList<string> Nodes { get; }

    /// <summary>The node after <paramref name="node"/> (wrapping round), or null for an unknown node.</summary>
    string? Successor(string node);
}
