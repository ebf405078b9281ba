using Discovery.Placement.Constraints;

namespace Discovery.Placement;

/// <summary>
/// The plan builder's reading of the constraints for one landing, filled by each constraint's
/// rules: closed nodes, VMs that may not go through a pivot, VMs a non-member may not join,
/// and per-VM landing predicates.
/// </summary>
internal sealed class LandingRules
{
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Func<string, Dictionary<string, HashSet<string>>, bool>>> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exclusive = new(StringComparer.Ordinal);
    private readonly HashSet<string> _noPivot = new(StringComparer.Ordinal);

    public LandingRules(PlacementProblem problem, IReadOnlyDictionary<string, string> target)
    {
        foreach (var c in problem.Constraints)
            ConstraintRegistry.For(c).Rules.AddLandingRules(c, this, target);
    }

    /// <summary>No VM may land on these nodes.</summary>
    public void Close(IEnumerable<string> nodes) => _closed.UnionWith(nodes);

    /// <summary>These VMs go straight to their target, never through a pivot.</summary>
    public void NoPivot(IEnumerable<string> vms) => _noPivot.UnionWith(vms);

    /// <summary>A VM outside every exclusive set may not join a node that hosts one of these VMs.</summary>
    public void Exclusive(IEnumerable<string> vms) => _exclusive.UnionWith(vms);

    /// <summary><paramref name="vm"/> may land on a node (given who holds each node) only where <paramref name="rule"/> holds.</summary>
    public void Add(string vm, Func<string, Dictionary<string, HashSet<string>>, bool> rule)
    {
        if (!_rules.TryGetValue(vm, out var list)) _rules[vm] = list = [];
        list.Add(rule);
    }

    public bool MayLand(string vm, string node, Dictionary<string, HashSet<string>> holders, bool asPivot = false)
    {
        if (_closed.Contains(node)) return false;
        if (asPivot && _noPivot.Contains(vm)) return false;
        if (!_exclusive.Contains(vm) && holders[node].Any(_exclusive.Contains)) return false;
        return !_rules.TryGetValue(vm, out var rules) || rules.All(r => r(node, holders));
    }
}
