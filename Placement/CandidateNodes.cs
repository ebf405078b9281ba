using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// Where new VMs may go as far as their constraints say (pure logic, no capacity involved): what a
/// placement that looks at a sample of the nodes samples from.
/// </summary>
public static class CandidateNodes
{
    /// <summary>
    /// The nodes among <paramref name="nodes"/> (order kept) where at least one of <paramref name="newVms"/>
    /// is allowed by <paramref name="constraints"/> (ban, fence, latency, offline; the others do not
    /// exclude a node by themselves).
    /// </summary>
    public static IReadOnlyList<string> Allowed(IReadOnlyList<string> nodes, IReadOnlyCollection<string> newVms, IEnumerable<PlacementConstraint> constraints)
    {
        if (nodes.Count == 0 || newVms.Count == 0) return [];
        var problem = new PlacementProblem(
            [.. nodes.Select(n => new PlacementNode(n, Resources.Zero))],
            [.. newVms.Select(v => new PlacementVm(v, Resources.Zero, null))],
            [.. constraints]);
        var index = new ProblemIndex(problem);
        var allowed = new bool[nodes.Count];
        foreach (var domain in index.Allowed)
            foreach (var n in domain) allowed[n] = true;
        return [.. nodes.Where((_, i) => allowed[i])];
    }

    /// <summary>
    /// <see cref="Allowed"/> for each group of <paramref name="vmGroups"/>, from one index over all their VMs: the
    /// constraints are read once, however many groups there are.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> AllowedForEach(IReadOnlyList<string> nodes, IReadOnlyList<IReadOnlyCollection<string>> vmGroups,
        IEnumerable<PlacementConstraint> constraints)
    {
        var vms = vmGroups.SelectMany(g => g).Distinct(StringComparer.Ordinal).ToList();
        if (nodes.Count == 0 || vms.Count == 0) return [.. vmGroups.Select(_ => (IReadOnlyList<string>)[])];
        var index = new ProblemIndex(new PlacementProblem(
            [.. nodes.Select(n => new PlacementNode(n, Resources.Zero))],
            [.. vms.Select(v => new PlacementVm(v, Resources.Zero, null))],
            [.. constraints]));
        var result = new List<IReadOnlyList<string>>(vmGroups.Count);
        foreach (var group in vmGroups)
        {
            var allowed = new bool[nodes.Count];
            foreach (var vm in group)
                foreach (var n in index.Allowed[index.VmIndex[vm]]) allowed[n] = true;
            result.Add([.. nodes.Where((_, i) => allowed[i])]);
        }
        return result;
    }
}
