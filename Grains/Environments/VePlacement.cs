using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Admission;

namespace Discovery.Environments;

/// <summary>
/// The placement problems of a VE's VMs that need a node (pure logic): nothing that runs moves, the new
/// VMs are placed under every constraint that concerns them, on top of what runs. A running VM that no
/// given constraint names only takes room: it is folded into its node's capacity rather than modelled,
/// so the problem stays the size of the VE whatever the cluster runs (and a VM caught migrating, which
/// holds resources on both of its nodes, takes room on both). A node a DVMS partition holds offers no
/// room: its plan, computed on what the node ran, may be landing there. In the live tier a node already
/// overloaded (demand changes; DVMS is on it) offers none either, but is not an obstacle: the VMs on it fit
/// by construction; admission still counts its allocation, and the preference puts it last.
/// <para>
/// Two tiers. <see cref="Admission"/>: by allocation within the <see cref="AdmissionPolicy"/>'s ratios, each
/// node's live CPU room and each new VM's expected demand given so the solver prefers the nodes whose load of
/// the moment leaves the most room. <see cref="Restoring"/>: VMs that were running (their node died) come back
/// beyond the ratios when admission finds no room, on the live load at their expected demand.
/// </para>
/// </summary>
public static class VePlacement
{
    /// <summary>What a new VM reserves in the live tier: all its vCPUs (booting never overloads a node) and its memory.</summary>
    public static Resources Reserved(VmSpec vm) => new(vm.MaxCpuDemand, vm.MemoryMiB);

    /// <summary>
    /// What a VM that was running (its node died) reserves in the live tier: its expected demand and its memory.
    /// A running service comes back first; DVMS absorbs a later overload.
    /// </summary>
    public static Resources Restored(VmSpec vm) => new(AdmissionPolicy.ExpectedCpu(vm), vm.MemoryMiB);

    /// <summary>
    /// The admission problem: <paramref name="nodes"/> as they are now, offering what <paramref name="policy"/> lets
    /// them allocate beyond what their VMs allocate; <paramref name="toPlace"/> with no host, each allocating all its
    /// vCPUs and memory and expecting its declared CPU demand; <paramref name="constraints"/>: the new VMs' own and
    /// those that restrict VMs they do not name.
    /// </summary>
    public static PlacementProblem Admission(IEnumerable<NodeSnapshot> nodes, IEnumerable<VmSpec> toPlace, IEnumerable<PlacementConstraint> constraints,
        AdmissionPolicy policy) =>
        Build(nodes, constraints,
            (node, running) => Room(node, running, policy.Allocatable(node.Capacity, node.Site), vm => AdmissionPolicy.Allocation(vm.VCpus, vm.MemoryMiB), liveOverloadCloses: false),
            vm => AdmissionPolicy.Allocation(vm.VCpus, vm.MemoryMiB),
            toPlace.Select(v => new PlacementVm(v.Id, AdmissionPolicy.Allocation(v.VCpus, v.MemoryMiB), null, ExpectedCpu: AdmissionPolicy.ExpectedCpu(v))));

    /// <summary>
    /// The live tier, for VMs coming back from a dead node that admission found no room for: <paramref name="nodes"/>
    /// offer their capacity minus their live demand; the VMs of <paramref name="restoring"/> reserve
    /// <see cref="Restored"/>, the others <see cref="Reserved"/>.
    /// </summary>
    public static PlacementProblem Restoring(IEnumerable<NodeSnapshot> nodes, IEnumerable<VmSpec> toPlace, IEnumerable<PlacementConstraint> constraints,
        IReadOnlySet<string> restoring) =>
        Build(nodes, constraints,
            (node, running) => Room(node, running, node.Capacity, vm => vm.Demand, liveOverloadCloses: true),
            vm => vm.Demand,
            toPlace.Select(v => new PlacementVm(v.Id, restoring.Contains(v.Id) ? Restored(v) : Reserved(v), null)));

    /// <summary>
    /// What <paramref name="node"/> offers beyond <paramref name="running"/>, each taking <paramref name="takes"/>, out of
    /// <paramref name="limit"/>; nothing while a partition holds it, nor, with <paramref name="liveOverloadCloses"/>, while it is overloaded.
    /// </summary>
    private static Resources Room(NodeSnapshot node, IEnumerable<VmSnapshot> running, Resources limit, Func<VmSnapshot, Resources> takes, bool liveOverloadCloses)
    {
        if (node.ReservedBy is not null || (liveOverloadCloses && node.Overloaded)) return Resources.Zero;
        var taken = running.Aggregate(Resources.Zero, (sum, vm) => sum + takes(vm));
        var spare = limit - taken;
        return new Resources(Math.Max(0, spare.Cpu), Math.Max(0, spare.MemoryMiB));
    }

    private static PlacementProblem Build(IEnumerable<NodeSnapshot> nodes, IEnumerable<PlacementConstraint> constraints,
        Func<NodeSnapshot, IReadOnlyList<VmSnapshot>, Resources> room, Func<VmSnapshot, Resources> takes, IEnumerable<PlacementVm> toPlace)
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
            var running = node.Vms.Where(v => v.HoldsResources && v.Host == node.Node).ToList();
            var pinned = Resources.Zero;
            foreach (var vm in running)
            {
                if (!named.Contains(vm.Id) || !modelled.Add(vm.Id)) continue;
                vms.Add(new PlacementVm(vm.Id, takes(vm), node.Node, Pinned: true));
                pinned += takes(vm);
            }
            // Capacity = the modelled VMs + the room left; the live CPU room is what the node's load of the moment leaves.
            var capacity = pinned + room(node, running);
            problemNodes.Add(new PlacementNode(node.Node, capacity, node.Site, LiveCpuFree: node.Capacity.Cpu - node.Demand.Cpu));
        }
        vms.AddRange(toPlace);
        return new PlacementProblem([.. problemNodes], [.. vms], [.. all]);
    }
}
