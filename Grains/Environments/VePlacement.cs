using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement;

namespace Discovery.Environments;

/// <summary>
/// The placement problem of a VE's VMs that need a node (pure logic): every VM already running
/// stays where it is, the new ones are placed under every constraint, on top of what runs.
/// </summary>
public static class VePlacement
{
    /// <summary>What a VM being started reserves: all its vCPUs (booting never overloads a node) and its memory.</summary>
    public static Resources Reserved(VmSpec vm) => new(vm.MaxCpuDemand, vm.MemoryMiB);

    /// <summary>The problem: <paramref name="nodes"/> as they are now, <paramref name="toPlace"/> with no host.</summary>
    public static PlacementProblem Build(IEnumerable<NodeSnapshot> nodes, IEnumerable<VmSpec> toPlace, IEnumerable<PlacementConstraint> constraints)
    {
        var current = PlacementProblem.FromSnapshots(nodes, constraints);
        return current with
        {
            Vms = [.. current.Vms.Select(v => v with { Pinned = true }), .. toPlace.Select(v => new PlacementVm(v.Id, Reserved(v), null))],
        };
    }
}
