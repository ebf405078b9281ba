using Discovery.Constraints;

namespace Discovery.Placement.Constraints;

/// <summary><c>latency</c> for the greedy, the problem index and the plan builder: all members within one node group.</summary>
internal sealed class LatencyRules : ConstraintRules<Latency>
{
    /// <summary>Members outside the problem decide the group.</summary>
    public override bool PinsPartialMembers => true;

    protected override IEnumerable<int> Violating(Latency c, int[] members, ProblemIndex index, int[] target)
    {
        var nodes = Placed(members, target);
        return !c.Groups.Any(g => nodes.All(n => g.Contains(index.Nodes[n].Name))) ? members.Skip(1) : [];
    }

    protected override bool MayPlace(Latency c, int[] members, int vm, int node, ProblemIndex index, int[] target)
    {
        if (!members.Contains(vm)) return true;
        var name = index.Nodes[node].Name;
        var others = members.Where(m => m != vm && target[m] >= 0).Select(m => index.Nodes[target[m]].Name).ToList();
        return c.Groups.Any(g => g.Contains(name) && others.All(g.Contains));
    }

    // Land only in a group that also holds every member's final node.
    protected override void AddLandingRules(Latency c, LandingRules rules, IReadOnlyDictionary<string, string> target)
    {
        var finalNodes = c.Vms.Where(target.ContainsKey).Select(v => target[v]).ToHashSet(StringComparer.Ordinal);
        var allowed = c.Groups.Where(g => finalNodes.All(g.Contains)).SelectMany(g => g).ToHashSet(StringComparer.Ordinal);
        foreach (var vm in c.Vms) rules.Add(vm, (n, _) => allowed.Contains(n));
    }
}
