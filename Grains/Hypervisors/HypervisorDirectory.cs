using System.Collections.Concurrent;

namespace Discovery.Hypervisors;

/// <summary>
/// Which hypervisor serves which node on this silo, and the site each node belongs to. The
/// node grain of a node looks its hypervisor up here.
/// </summary>
public sealed class HypervisorDirectory
{
    private readonly ConcurrentDictionary<string, (IHypervisor Hypervisor, string Site)> _nodes = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="hypervisor"/> for its node in <paramref name="site"/>.</summary>
    public void Register(IHypervisor hypervisor, string site)
    {
        if (!_nodes.TryAdd(hypervisor.Node, (hypervisor, site)))
            throw new ArgumentException($"node '{hypervisor.Node}' is registered twice", nameof(hypervisor));
    }

    /// <summary>Node names, in a stable (ordinal) order.</summary>
    public IReadOnlyList<string> Nodes => _nodes.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The hypervisor of <paramref name="node"/>, or throws naming the node.</summary>
    public IHypervisor Get(string node) => _nodes.TryGetValue(node, out var entry)
        ? entry.Hypervisor
        : throw new HypervisorException(node, HypervisorErrorKind.NotFound, $"no hypervisor is registered for node '{node}' on this silo");

    /// <summary>True when this silo knows <paramref name="node"/>.</summary>
    public bool Contains(string node) => _nodes.ContainsKey(node);

    /// <summary>The site of <paramref name="node"/>.</summary>
    public string SiteOf(string node) => _nodes.TryGetValue(node, out var entry)
        ? entry.Site
        : throw new HypervisorException(node, HypervisorErrorKind.NotFound, $"no hypervisor is registered for node '{node}' on this silo");

    /// <summary>The sites of this silo's nodes.</summary>
    public IReadOnlySet<string> Sites => _nodes.Values.Select(e => e.Site).ToHashSet(StringComparer.Ordinal);
}
