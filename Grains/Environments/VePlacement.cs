using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;

namespace Discovery.Environments;

/// <summary>
/// The placement problem of a VE's VMs that need a node (pure logic): nothing that runs moves, the new
/// VMs are placed under every constraint that concerns them, on top of what runs. A running VM that no
/// given constraint names only takes room: it is folded into its node's capacity rather than modelled,
/// so the problem stays the size of the VE whatever the cluster runs (and a VM caught migrating, which
/// holds resources on both of its nodes, takes room on both). A node already overloaded (demand
/// changes; DVMS is on it) offers no room, but is not an obstacle: the VMs on it fit by construction.
/// Nor does a node a DVMS partition holds: its plan, computed on what the node ran, may be landing there.
/// </summary>
public static class VePlacement
{
    /// <summary>What a new VM reserves: all its vCPUs (booting never overloads a node) and its memory.</summary>
    public static Resources Reserved(VmSpec vm) => new(vm.MaxCpuDemand, vm.MemoryMiB);

    /// <summary>
    /// What a VM that was running (its node died) reserves when the full vCPUs fit nowhere: its declared
    /// demand and its memory. A running service comes back first; DVMS absorbs a later overload.
    /// </summary>
    public static Resources Restored(VmSpec vm) => new(Math.Clamp(vm.CpuDemand, 0, vm.MaxCpuDemand), vm.MemoryMiB);

    /// <summary>
    /// The problem: <paramref name="nodes"/> as they are now, <paramref name="toPlace"/> with no host;
    /// <paramref name="constraints"/>: the new VMs' own and those that restrict VMs they do not name;
    /// <paramref name="restoring"/>: VMs among them that reserve <see cref="Restored"/> rather than <see cref="Reserved"/>.
    /// </summary>
    public static PlacementProblem Build(IEnumerable<NodeSnapshot> nodes, IEnumerable<VmSpec> toPlace, IEnumerable<PlacementConstraint> constraints,
        IReadOnlySet<string>? restoring = null)
    {
        var list = nodes.ToList();
        var all = constraints.ToList();
        var maintenance = list.Where(n => n.Maintenance).Select(n => n.Node).ToList();
        if (maintenance.Count > 0) all.Add(new Offline([.. maintenance]));
        var named = all.SelectMany(c => c.VmIds).ToHashSet(StringComparer.Ordinal);
        var modelled = new HashSet<string>(StringComparer.Ordinal);
        var problemNodes = new List<PlacementNode>(list.Count);
        var vms = new List<PlacementVm>();
        foreach (var node in list)
        {
            var (taken, pinned) = (Resources.Zero, Resources.Zero);
            foreach (var vm in node.Vms.Where(v => v.HoldsResources && v.Host == node.Node))
            {
                taken += vm.Demand;
                if (!named.Contains(vm.Id) || !modelled.Add(vm.Id)) continue;
                vms.Add(new PlacementVm(vm.Id, vm.Demand, node.Node, Pinned: true));
                pinned += vm.Demand;
            }
            // Capacity = the modelled VMs + the room left (none when overloaded or held by a partition).
            var spare = node.ReservedBy is null ? node.Capacity - taken : Resources.Zero;
            problemNodes.Add(new PlacementNode(node.Node, pinned + new Resources(Math.Max(0, spare.Cpu), Math.Max(0, spare.MemoryMiB))));
        }
        vms.AddRange(toPlace.Select(v => new PlacementVm(v.Id, restoring?.Contains(v.Id) == true ? Restored(v) : Reserved(v), null)));
        return new PlacementProblem([.. problemNodes], [.. vms], [.. all]);
    }
}
