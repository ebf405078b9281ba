using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Discovery.Overlay;

/// <summary>
/// What this silo last told the node directory about each node it drives: joined (with site, capacity, silo) or
/// marked down. The directory is one activation whose state is written behind, so it can forget a join: a
/// duplicate activation during a silo's join that loses the race takes its joins with it, and a directory whose
/// silo dies before writing loses the latest. The overlay compares each new directory view with this record and
/// tells the directory again (see <see cref="ClusterOverlay"/>), so a forgotten node is back within a refresh
/// period instead of the node's next periodic join (a minute at the default monitoring period).
/// </summary>
public sealed class DirectoryEntries
{
    private readonly ConcurrentDictionary<string, NodeAnnouncement> _joined = new(StringComparer.Ordinal);

    /// <summary>The node joined the directory (or was announced at the silo's start).</summary>
    public void Joined(NodeAnnouncement node) => _joined[node.Node] = node;

    /// <summary>The node was marked down: it must not be announced again until it joins.</summary>
    public void MarkedDown(string node) => _joined.TryRemove(node, out _);

    /// <summary>The joined nodes that <paramref name="view"/> lacks, or lists under another silo, and does not hold down.</summary>
    public ImmutableArray<NodeAnnouncement> MissingFrom(OverlayView view)
    {
        if (_joined.IsEmpty) return [];
        var listed = view.Nodes.ToDictionary(n => n.Node, n => n.Silo, StringComparer.Ordinal);
        var down = view.Down.ToHashSet(StringComparer.Ordinal);
        return [.. _joined.Values
            .Where(n => !down.Contains(n.Node) && (!listed.TryGetValue(n.Node, out var silo) || silo != n.Silo))
            .OrderBy(n => n.Node, StringComparer.Ordinal)];
    }
}
