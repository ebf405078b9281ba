using System.Globalization;
using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// Says why the VMs not placed yet of a problem cannot be placed, for a user who submitted them:
/// a VM no allowed node has room for (with the nodes its constraints leave and the roomiest of
/// them), a spread needing more distinct nodes than are allowed with room, a gather no node can
/// hold, or a group of VMs whose total demand exceeds the free room of the nodes they may use.
/// The room of a node is its capacity minus what the VMs that cannot move (pinned) take there;
/// VMs that may move are counted with the VMs to place when they are confined to the same nodes.
/// Deterministic: problem order for VMs, nodes and constraints.
/// </summary>
public static class UnplaceableReason
{
    /// <summary>
    /// One reason per cause, most specific first: nodes overloaded by VMs that cannot move, then
    /// each VM that cannot be placed even alone, else the groups that cannot be placed together,
    /// else that no placement meets every constraint and capacity at once. Empty when the
    /// problem has no VM to place.
    /// </summary>
    public static IReadOnlyList<string> Explain(PlacementProblem problem) => Reasons(problem, orElse: true);

    /// <summary>The reasons joined for a result's detail; null when there is nothing to place or, without <paramref name="orElse"/>, nothing specific to say.</summary>
    internal static string? Detail(PlacementProblem problem, bool orElse = true)
    {
        var reasons = Reasons(problem, orElse);
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private static List<string> Reasons(PlacementProblem problem, bool orElse)
    {
        if (problem.Unplaced.Count == 0) return [];
        var structural = problem.StructuralProblems();
        if (structural.Count > 0) return [.. structural];
        var x = new ProblemIndex(problem);
        var reasons = new List<string>();
        if (x.StuckPinnedVm() is { } stuck) reasons.Add(stuck);

        // Room left by the VMs that stay where they are.
        var room = x.Nodes.Select(n => n.Capacity).ToArray();
        for (var v = 0; v < x.Vms.Length; v++)
            if (x.Pinned[v] && !x.IsUnplaced(v)) room[x.Host[v]] -= x.Vms[v].Demand;
        for (var n = 0; n < x.Nodes.Length; n++)
            if (room[n].Cpu < 0 || room[n].MemoryMiB < 0)
                reasons.Add($"node '{x.Nodes[n].Name}' is overloaded by VMs that cannot move: they need {Format(x.Nodes[n].Capacity - room[n])}, it has {Format(x.Nodes[n].Capacity)}");
        var free = room.Select(Clamp).ToArray();

        var unplaced = Enumerable.Range(0, x.Vms.Length).Where(x.IsUnplaced).ToArray();
        foreach (var v in unplaced)
            if (Alone(x, v, free) is { } why) reasons.Add(why);
        if (reasons.Count > 0) return reasons;

        foreach (var c in x.Constraints.Where(c => x.Members(c).Any(x.IsUnplaced)))
            if (c switch { Spread => SpreadReason(x, c, free), Gather => GatherReason(x, c, free), _ => null } is { } why)
                reasons.Add(why);
        if (reasons.Count == 0 && Shared(x, unplaced, free) is { } shared) reasons.Add(shared);
        if (reasons.Count == 0 && orElse)
            reasons.Add($"{string.Join(", ", unplaced.Select(v => x.Vms[v].Id))} each fit alone, but no placement meets every constraint and capacity at once");
        return reasons;
    }

    /// <summary>Why VM <paramref name="v"/> cannot be placed even alone, or null when some allowed node has room for it.</summary>
    private static string? Alone(ProblemIndex x, int v, Resources[] free)
    {
        var vm = x.Vms[v];
        var allowed = x.Allowed[v];
        if (allowed.Length == 0)
            return $"{vm.Id} may run on no node: its constraints ({string.Join(", ", Restricting(x.Problem, v))}) exclude all {Nodes(x.Nodes.Length)}";
        if (allowed.Any(n => vm.Demand.FitsIn(free[n]))) return null;
        var roomiest = allowed.OrderByDescending(n => Closeness(vm.Demand, free[n])).First(); // stable: the first node on ties
        return $"{vm.Id} needs {Format(vm.Demand)}; {Among(x, allowed)} has it{Short(vm.Demand, allowed.Select(n => free[n]))}; the roomiest has {Format(free[roomiest])} free ({x.Nodes[roomiest].Name})";
    }

    /// <summary>The members of a spread with a VM to place cannot all get distinct nodes with room.</summary>
    private static string? SpreadReason(ProblemIndex x, PlacementConstraint c, Resources[] free)
    {
        var members = x.Members(c);
        var candidates = members.Select(m => Candidates(x, m, free)).ToArray();
        var seated = MaxMatching(candidates);
        if (seated == members.Length) return null;
        var usable = candidates.SelectMany(n => n).Distinct().Count();
        var what = $"{c.Name}({string.Join(", ", members.Select(m => x.Vms[m].Id))}) needs {members.Length} distinct nodes";
        return usable < members.Length
            ? $"{what}; only {usable} {(usable == 1 ? "is" : "are")} allowed and {(usable == 1 ? "has" : "have")} room"
            : $"{what}; the nodes allowed and with room can take only {seated} of them";
    }

    /// <summary>The members of a gather with a VM to place have no common node with room for those that may move.</summary>
    private static string? GatherReason(ProblemIndex x, PlacementConstraint c, Resources[] free)
    {
        var members = x.Members(c);
        var common = members.Select(m => x.Pinned[m] && !x.IsUnplaced(m) ? [x.Host[m]] : x.Allowed[m])
            .Aggregate((IEnumerable<int>)Enumerable.Range(0, x.Nodes.Length), (a, b) => a.Intersect(b)).Order().ToArray();
        var what = $"{c.Name}({string.Join(", ", members.Select(m => x.Vms[m].Id))})";
        if (common.Length == 0) return $"{what} needs one node allowed to all of them; there is none";
        var need = members.Where(m => !x.Pinned[m] || x.IsUnplaced(m)).Aggregate(Resources.Zero, (s, m) => s + x.Vms[m].Demand);
        if (common.Any(n => need.FitsIn(free[n]))) return null;
        var roomiest = common.OrderByDescending(n => Closeness(need, free[n])).First();
        return $"{what} needs {Format(need)} on one node; {Among(x, common)} has it; the roomiest has {Format(free[roomiest])} free ({x.Nodes[roomiest].Name})";
    }

    /// <summary>
    /// For each set of nodes some VM to place is allowed (smallest first), the VMs confined to it
    /// (to place, or placed and free to move) need more than its free room in total.
    /// </summary>
    private static string? Shared(ProblemIndex x, int[] unplaced, Resources[] free)
    {
        var sets = unplaced.Select(v => x.Allowed[v]).DistinctBy(a => string.Join(",", a)).OrderBy(a => a.Length).ToList();
        foreach (var set in sets)
        {
            var inSet = set.ToHashSet();
            var group = Enumerable.Range(0, x.Vms.Length)
                .Where(v => (x.IsUnplaced(v) || !x.Pinned[v]) && x.Allowed[v].All(inSet.Contains)).ToList();
            var need = group.Aggregate(Resources.Zero, (s, v) => s + x.Vms[v].Demand);
            var have = set.Aggregate(Resources.Zero, (s, n) => s + free[n]);
            if (need.FitsIn(have)) continue;
            return $"the {group.Count} VMs need {Format(need)} together; the {Nodes(set.Length)} allowed {(set.Length == 1 ? "has" : "have")} {Format(have)} free";
        }
        return null;
    }

    /// <summary>Nodes member <paramref name="m"/> may end on with room for it (its host when it cannot move).</summary>
    private static int[] Candidates(ProblemIndex x, int m, Resources[] free) =>
        x.Pinned[m] && !x.IsUnplaced(m) ? [x.Host[m]] : [.. x.Allowed[m].Where(n => x.Vms[m].Demand.FitsIn(free[n]))];

    /// <summary>How many members get a distinct candidate node at most (augmenting paths; spreads are small).</summary>
    private static int MaxMatching(int[][] candidates)
    {
        var owner = new Dictionary<int, int>();
        var seated = 0;
        for (var m = 0; m < candidates.Length; m++)
            if (Augment(m, [])) seated++;
        return seated;

        bool Augment(int m, HashSet<int> seen)
        {
            foreach (var n in candidates[m])
            {
                if (!seen.Add(n)) continue;
                if (!owner.TryGetValue(n, out var other) || Augment(other, seen)) { owner[n] = m; return true; }
            }
            return false;
        }
    }

    /// <summary>Names of the constraints that alone keep VM <paramref name="v"/> off some node, each through its own encoding.</summary>
    private static IEnumerable<string> Restricting(PlacementProblem problem, int v) =>
        problem.Constraints
            .Where(c => new ProblemIndex(problem with { Constraints = [c] }) is var one && one.Allowed[v].Length < one.Nodes.Length)
            .Select(Describe)
            .Distinct();

    /// <summary>"fence {n1, n2}": the constraint with the nodes it names (when few enough to read), so the reason says where.</summary>
    private static string Describe(PlacementConstraint c) =>
        c.NodeNames.Distinct().ToList() is { Count: > 0 and <= 8 } nodes ? $"{c.Name} {{{string.Join(", ", nodes)}}}" : c.Name;

    /// <summary>"no node" when <paramref name="allowed"/> is every node, else the shorter of "no node outside {excluded}" and "none of {allowed}".</summary>
    private static string Among(ProblemIndex x, int[] allowed)
    {
        if (allowed.Length == x.Nodes.Length) return "no node";
        var isAllowed = allowed.ToHashSet();
        var excluded = Enumerable.Range(0, x.Nodes.Length).Where(n => !isAllowed.Contains(n)).ToList();
        return excluded.Count <= allowed.Length
            ? $"no node outside {{{string.Join(", ", excluded.Select(n => x.Nodes[n].Name))}}}"
            : $"none of {{{string.Join(", ", allowed.Select(n => x.Nodes[n].Name))}}}";
    }

    /// <summary>How close <paramref name="free"/> comes to <paramref name="need"/>: the smaller fraction of the two resources it covers.</summary>
    private static double Closeness(Resources need, Resources free) =>
        Math.Min(need.Cpu == 0 ? double.MaxValue : (double)free.Cpu / need.Cpu, need.MemoryMiB == 0 ? double.MaxValue : (double)free.MemoryMiB / need.MemoryMiB);

    /// <summary>": memory is short on every one" when one resource alone is short on every node, so the user knows which to ask for.</summary>
    private static string Short(Resources need, IEnumerable<Resources> free)
    {
        var list = free.ToList();
        var cpuShort = list.All(f => f.Cpu < need.Cpu);
        var memoryShort = list.All(f => f.MemoryMiB < need.MemoryMiB);
        return (cpuShort, memoryShort) switch
        {
            (false, true) => ": memory is short on every one",
            (true, false) => ": CPU is short on every one",
            _ => "",
        };
    }

    private static Resources Clamp(Resources r) => new(Math.Max(0, r.Cpu), Math.Max(0, r.MemoryMiB));

    private static string Nodes(int count) => count == 1 ? "1 node" : $"{count} nodes";

    /// <summary>CPU in vCPU (hundredths / 100), memory in GiB with up to one decimal, or MiB below 1 GiB.</summary>
    internal static string Format(Resources r)
    {
        var cpu = (r.Cpu / 100.0).ToString("0.##", CultureInfo.InvariantCulture);
        var memory = Math.Abs(r.MemoryMiB) < 1024
            ? $"{r.MemoryMiB} MiB"
            : (r.MemoryMiB / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";
        return $"{cpu} vCPU / {memory}";
    }
}
