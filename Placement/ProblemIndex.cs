using Discovery.Constraints;
using Discovery.Model;
using Discovery.Placement.Constraints;

namespace Discovery.Placement;

/// <summary>
/// A problem prepared for solving: nodes and VMs by index, the constraints projected on the
/// problem's VMs, the nodes each VM may end on (each constraint's encoding restricts them), and
/// which VMs must move. VMs not placed yet have host -1 and hold nothing until they are placed.
/// Shared by the solvers and <see cref="UnplaceableReason"/>; the checker does not use it.
/// </summary>
internal sealed class ProblemIndex
{
    public ProblemIndex(PlacementProblem problem)
    {
        Problem = problem;
        Nodes = [.. problem.Nodes];
        Vms = [.. problem.Vms];
        NodeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Nodes.Length; i++) NodeIndex[Nodes[i].Name] = i;
        VmIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Vms.Length; i++) VmIndex[Vms[i].Id] = i;
        Host = Vms.Select(v => v.Host is null ? -1 : NodeIndex[v.Host]).ToArray();
        Load = new Resources[Nodes.Length];
        for (var i = 0; i < Vms.Length; i++)
            if (Host[i] >= 0) Load[Host[i]] += Vms[i].Demand;

        Offline = new bool[Nodes.Length];
        Pressured = new bool[Nodes.Length];
        Pinned = Vms.Select(v => v.Pinned).ToArray();
        Named = new bool[Vms.Length];
        var allowed = new HashSet<int>?[Vms.Length];
        var domains = new Domains(this, allowed);
        var constraints = new List<PlacementConstraint>();
        foreach (var c in problem.Constraints)
        {
            var kind = ConstraintRegistry.For(c);
            var members = Members(c);
            // Members outside the problem decide where a gather or latency group is: keep the
            // inside members where they are rather than guess. Members not placed yet cannot
            // stay anywhere: the constraint then still applies inside, anchored by the placed ones.
            if (members.Length > 0 && kind.Rules.PinsPartialMembers && members.Length < c.VmIds.Distinct().Count())
            {
                foreach (var m in members) if (Host[m] >= 0) Pinned[m] = true;
                if (members.All(m => Host[m] >= 0)) continue;
            }
            kind.Encoding.Restrict(c, members, domains);
            if (members.Length == 0) continue;
            foreach (var m in members) Named[m] = true;
            constraints.Add(c);
        }
        Constraints = constraints;
        Allowed = new int[Vms.Length][];
        // Unconstrained VMs share one array: 30,000 VMs x 5,000 nodes would otherwise take 600 MB.
        var online = Enumerable.Range(0, Nodes.Length).Where(n => !Offline[n]).ToArray();
        for (var v = 0; v < Vms.Length; v++)
            Allowed[v] = allowed[v] is { } set ? set.Where(n => !Offline[n]).Order().ToArray() : online;
    }

    /// <summary>
    /// What every solver does first: refuse a malformed problem (Invalid) and one where a migrating
    /// VM sits where it may not stay (NoSolution); otherwise index it.
    /// </summary>
    public static ProblemIndex? Prepare(PlacementProblem problem, string solver, System.Diagnostics.Stopwatch clock, out PlacementResult? refusal,
        SolverOptions? options = null)
    {
        refusal = null;
        var structural = problem.StructuralProblems();
        if (structural.Count > 0)
        {
            refusal = PlacementResult.Failed(PlacementStatus.Invalid, clock.Elapsed, solver, string.Join("; ", structural));
            return null;
        }
        var index = new ProblemIndex(problem);
        if (options is { Headroom: not null, Pressure: { } pressure }) index.MarkPressured(pressure);
        if (index.StuckPinnedVm() is { } stuck)
        {
            refusal = PlacementResult.Failed(PlacementStatus.NoSolution, clock.Elapsed, solver, stuck);
            return null;
        }
        return index;
    }

    public PlacementProblem Problem { get; }
    public PlacementNode[] Nodes { get; }
    public PlacementVm[] Vms { get; }
    public Dictionary<string, int> NodeIndex { get; }
    public Dictionary<string, int> VmIndex { get; }
    /// <summary>Current host of each VM, -1 when it is not placed yet.</summary>
    public int[] Host { get; }
    /// <summary>Current demand on each node (VMs not placed yet excluded).</summary>
    public Resources[] Load { get; }
    public bool[] Offline { get; }
    /// <summary>VMs that must stay where they are.</summary>
    public bool[] Pinned { get; }
    /// <summary>VMs named by a constraint of the problem.</summary>
    public bool[] Named { get; }
    /// <summary>Nodes each VM may end on, ascending.</summary>
    public int[][] Allowed { get; }
    /// <summary>Constraints other than offline, with at least one member in the problem.</summary>
    public IReadOnlyList<PlacementConstraint> Constraints { get; }

    /// <summary>Nodes not overloaded whose CPU load is above the pressure threshold: they must come down to the headroom target.</summary>
    public bool[] Pressured { get; }

    public bool Overloaded(int node) => !Load[node].FitsIn(Nodes[node].Capacity);

    /// <summary>Overloaded or pressured: the node must shed load.</summary>
    public bool MustShed(int node) => Pressured[node] || Overloaded(node);

    /// <summary>Marks the nodes above <paramref name="pressure"/> (a CPU load) as pressured.</summary>
    private void MarkPressured(double pressure)
    {
        for (var n = 0; n < Nodes.Length; n++)
            Pressured[n] = !Offline[n] && !Overloaded(n) && Load[n].Cpu > pressure * Nodes[n].Capacity.Cpu;
    }

    /// <summary>True when VM <paramref name="vm"/> has no host yet.</summary>
    public bool IsUnplaced(int vm) => Host[vm] < 0;

    /// <summary>A pinned VM that sits where it may not end (an offline, banned or fenced-out node): no placement can fix that now.</summary>
    public string? StuckPinnedVm()
    {
        for (var v = 0; v < Vms.Length; v++)
            if (Pinned[v] && Host[v] >= 0 && Array.BinarySearch(Allowed[v], Host[v]) < 0)
                return $"VM '{Vms[v].Id}' cannot move now (it is migrating) and may not stay on '{Nodes[Host[v]].Name}'";
        return null;
    }

    /// <summary>VMs a repair must consider: not placed yet, on overloaded, pressured or offline nodes, off their allowed nodes, or named by a constraint.</summary>
    public bool MustConsider(int vm) => !Pinned[vm] &&
        (Host[vm] < 0 || MustShed(Host[vm]) || Offline[Host[vm]] || Named[vm] || Array.BinarySearch(Allowed[vm], Host[vm]) < 0);

    public int[] Members(PlacementConstraint c) => c.VmIds.Where(VmIndex.ContainsKey).Select(v => VmIndex[v]).Distinct().ToArray();

    public HashSet<int> Indexes(IEnumerable<string> nodes) =>
        nodes.Where(NodeIndex.ContainsKey).Select(n => NodeIndex[n]).ToHashSet();
}
