using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// What a scheduler asks the solver: the nodes of a partition (or of the whole infrastructure),
/// the VMs on them with their current host and demand, and the constraints that concern them.
/// Constraints may name VMs and nodes outside the problem; they are projected on it.
/// VMs without a host are not placed yet: the solver chooses their node (see <see cref="Unplaced"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.placement.problem")]
public sealed record PlacementProblem(
    [property: Id(0)] ImmutableArray<PlacementNode> Nodes,
    [property: Id(1)] ImmutableArray<PlacementVm> Vms,
    [property: Id(2)] ImmutableArray<PlacementConstraint> Constraints)
{
    /// <summary>Builds a problem from node snapshots: every VM holding resources, with its current demand.</summary>
    public static PlacementProblem FromSnapshots(IEnumerable<NodeSnapshot> nodes, IEnumerable<PlacementConstraint>? constraints = null)
    {
        var list = nodes.ToList();
        var maintenance = list.Where(n => n.Maintenance).Select(n => n.Node).ToImmutableArray();
        var all = (constraints ?? []).ToList();
        if (!maintenance.IsEmpty) all.Add(new Offline(maintenance));
        return new(
            [.. list.Select(n => new PlacementNode(n.Node, n.Capacity, n.Site))],
            [.. list.SelectMany(n => n.Vms.Where(v => v.HoldsResources && v.Host == n.Node)
                .Select(v => new PlacementVm(v.Id, v.Demand, n.Node, Pinned: v.State == VmState.Migrating, Image: v.Image)))],
            [.. all]);
    }

    /// <summary>
    /// The VMs not placed yet (null <see cref="PlacementVm.Host"/>), in problem order: the solver
    /// must choose a node for each; they start there once the plan's migrations are done.
    /// </summary>
    public IReadOnlyList<PlacementVm> Unplaced => [.. Vms.Where(v => v.Host is null)];

    /// <summary>Whether moving a VM from <paramref name="from"/> to <paramref name="to"/> crosses sites (both sites known and different).</summary>
    public bool CrossesSites(string from, string to)
    {
        string? a = null, b = null;
        foreach (var n in Nodes)
        {
            if (n.Name == from) a = n.Site;
            if (n.Name == to) b = n.Site;
        }
        return a is not null && b is not null && a != b;
    }

    /// <summary>Demand on each node in the current placement; VMs not placed yet hold nothing.</summary>
    public Dictionary<string, Resources> CurrentLoad()
    {
        var load = Nodes.ToDictionary(n => n.Name, _ => Resources.Zero, StringComparer.Ordinal);
        foreach (var vm in Vms)
            if (vm.Host is { } host && load.TryGetValue(host, out var l)) load[host] = l + vm.Demand;
        return load;
    }

    /// <summary>
    /// Problems with the problem itself (not with its placement): unknown hosts, duplicates, bad
    /// capacities, a pinned VM without a host. A null host (not placed yet) is not a problem.
    /// </summary>
    public IReadOnlyList<string> StructuralProblems()
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in Nodes)
        {
            if (!names.Add(n.Name)) problems.Add($"node '{n.Name}' appears twice");
            if (n.Capacity.Cpu < 0 || n.Capacity.MemoryMiB < 0) problems.Add($"node '{n.Name}' has a negative capacity");
        }
        var vms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in Vms)
        {
            if (!vms.Add(v.Id)) problems.Add($"VM '{v.Id}' appears twice");
            if (v.Host is null)
            {
                if (v.Pinned) problems.Add($"VM '{v.Id}' is pinned but not placed yet");
            }
            else if (!names.Contains(v.Host)) problems.Add($"VM '{v.Id}' is on '{v.Host}', which is not a node of the problem");
            if (v.Demand.Cpu < 0 || v.Demand.MemoryMiB < 0) problems.Add($"VM '{v.Id}' has a negative demand");
        }
        return problems;
    }
}
