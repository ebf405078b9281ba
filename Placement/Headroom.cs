using System.Collections.Immutable;

namespace Discovery.Placement;

/// <summary>
/// The headroom rule shared by the solvers (<see cref="SolverOptions.Headroom"/>): each node's CPU
/// threshold is the target load of its capacity, except that a node already above the target without
/// being overloaded or pressured keeps its current load as threshold (a plan must not make it worse, nor is it
/// rewarded for emptying it, which would only churn). An overloaded or pressured node must come down to the target.
/// </summary>
internal static class Headroom
{
    /// <summary>CPU threshold of each node, or null without a target.</summary>
    public static long[]? Thresholds(ProblemIndex index, double? target)
    {
        if (target is not { } t) return null;
        var thresholds = new long[index.Nodes.Length];
        for (var n = 0; n < thresholds.Length; n++)
        {
            var goal = (long)Math.Floor(t * index.Nodes[n].Capacity.Cpu);
            thresholds[n] = index.MustShed(n) ? goal : Math.Max(goal, index.Load[n].Cpu);
        }
        return thresholds;
    }

    /// <summary>CPU units above the thresholds once <paramref name="target"/> (node per VM) is reached, summed over nodes.</summary>
    public static long Excess(ProblemIndex index, int[] target, long[]? thresholds)
    {
        if (thresholds is null) return 0;
        var cpu = new long[index.Nodes.Length];
        for (var v = 0; v < target.Length; v++)
            if (target[v] >= 0) cpu[target[v]] += index.Vms[v].Demand.Cpu;
        long excess = 0;
        for (var n = 0; n < cpu.Length; n++) excess += Math.Max(0, cpu[n] - thresholds[n]);
        return excess;
    }

    /// <summary>As above, for a target by name.</summary>
    public static long Excess(ProblemIndex index, ImmutableDictionary<string, string> target, long[]? thresholds) =>
        thresholds is null ? 0 : Excess(index, index.Vms.Select(v => target.TryGetValue(v.Id, out var n) ? index.NodeIndex[n] : -1).ToArray(), thresholds);
}
