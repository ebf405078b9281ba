using System.Collections.Concurrent;
using Discovery.Constraints;

namespace Discovery.Environments;

/// <summary>
/// The placement constraints in force, by VM: partitions ask for the constraints that concern
/// the VMs they hold. Filled by the VE layer (and by tests and scenarios); one per silo.
/// </summary>
public sealed class ConstraintCatalog
{
    private readonly ConcurrentDictionary<string, PlacementConstraint[]> _byOwner = new(StringComparer.Ordinal);

    /// <summary>Sets the constraints owned by <paramref name="owner"/> (a VE id), replacing earlier ones.</summary>
    public void Set(string owner, IEnumerable<PlacementConstraint> constraints) => _byOwner[owner] = constraints.ToArray();

    public void Remove(string owner) => _byOwner.TryRemove(owner, out _);

    /// <summary>Every constraint naming at least one of <paramref name="vms"/>, or one of <paramref name="nodes"/> for node-only constraints.</summary>
    public IReadOnlyList<PlacementConstraint> For(IReadOnlySet<string> vms, IReadOnlySet<string> nodes) =>
        _byOwner.Values.SelectMany(c => c)
            .Where(c => c.VmIds.Any(vms.Contains) || (c.VmIds.IsEmpty && c.NodeNames.Any(nodes.Contains)))
            .ToList();

    /// <summary>Every constraint.</summary>
    public IReadOnlyList<PlacementConstraint> All => _byOwner.Values.SelectMany(c => c).ToList();
}
