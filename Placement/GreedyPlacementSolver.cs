using System.Collections.Immutable;
using System.Diagnostics;
using Discovery.Model;
using Discovery.Placement.Constraints;

namespace Discovery.Placement;

/// <summary>
/// The baseline simple schedulers use: evict the largest VMs of each overloaded node until it
/// fits (every VM of an offline node, every VM off its allowed nodes), then place the evicted VMs
/// first-fit by decreasing CPU demand on the first node with room whose constraints allow it.
/// VMs not placed yet join the evicted ones from the start.
/// </summary>
public sealed class GreedyPlacementSolver : IPlacementSolver
{
    /// <inheritdoc />
    public string Name => "greedy";

    /// <inheritdoc />
    public SolverKind Kind => SolverKind.Greedy;

    /// <inheritdoc />
    public PlacementResult Solve(PlacementProblem problem, SolverOptions options)
    {
        var clock = Stopwatch.StartNew();
        if (ProblemIndex.Prepare(problem, Name, clock, out var refusal, options) is not { } index) return refusal!;
        var thresholds = Headroom.Thresholds(index, options.Headroom);
        var target = TryPlace(index, out var failure, thresholds, sameSiteFirst: options.CrossSiteWeight > 1);
        if (target is null)
            return PlacementResult.Failed(PlacementStatus.NoSolution, clock.Elapsed, Name,
                UnplaceableReason.Detail(problem, orElse: false) ?? failure!);
        var names = target.Select((n, v) => KeyValuePair.Create(index.Vms[v].Id, index.Nodes[n].Name)).ToImmutableDictionary(StringComparer.Ordinal);
        var (plan, planFailure) = PlanBuilder.Build(problem, names);
        return plan is null
            ? PlacementResult.Failed(PlacementStatus.NoSafePlan, clock.Elapsed, Name, planFailure!)
            : new PlacementResult(PlacementStatus.Solved, names, plan, clock.Elapsed, Optimal: false, Name,
                HeadroomExcess: Headroom.Excess(index, target, thresholds));
    }

    /// <summary>
    /// The greedy target (node index per VM), or null with the reason. With headroom <paramref name="thresholds"/>,
    /// an overloaded node sheds VMs down to its threshold and an evicted VM goes to the first node it leaves under its
    /// threshold, failing that to the first with room; when that places nothing, the greedy without thresholds.
    /// </summary>
    internal static int[]? TryPlace(ProblemIndex index, out string? failure, long[]? thresholds = null, bool sameSiteFirst = false) =>
        Place(index, out failure, thresholds, sameSiteFirst) ?? (thresholds is null ? null : Place(index, out failure, null, sameSiteFirst));

    private static int[]? Place(ProblemIndex index, out string? failure, long[]? thresholds, bool sameSiteFirst)
    {
        failure = null;
        var target = (int[])index.Host.Clone();
        var load = (Resources[])index.Load.Clone();
        var evicted = new List<int>();
        var placement = new GreedyConstraints(index, target);

        // VMs not placed yet are placed with the evicted ones.
        for (var v = 0; v < index.Vms.Length; v++)
            if (index.IsUnplaced(v)) evicted.Add(v);
        // VMs that cannot stay: offline host, outside their allowed nodes, breaking a constraint.
        for (var v = 0; v < index.Vms.Length; v++)
            if (!index.Pinned[v] && target[v] >= 0 && (index.Offline[target[v]] || Array.BinarySearch(index.Allowed[v], target[v]) < 0))
                Evict(v);
        foreach (var v in placement.ViolatingVms().ToList())
            if (!index.Pinned[v] && target[v] >= 0) Evict(v);
        // Overloaded nodes shed their largest VMs until they fit; with thresholds, down to them, and pressured nodes too.
        var byNode = Enumerable.Range(0, index.Vms.Length).Where(v => target[v] >= 0 && !index.Pinned[v]).ToLookup(v => target[v]);
        for (var n = 0; n < index.Nodes.Length; n++)
        {
            if (load[n].FitsIn(index.Nodes[n].Capacity) && (thresholds is null || !index.Pressured[n])) continue;
            var onNode = byNode[n].OrderByDescending(v => index.Vms[v].Demand.Cpu).ThenByDescending(v => index.Vms[v].Demand.MemoryMiB).ToList();
            foreach (var v in onNode)
            {
                if (load[n].FitsIn(index.Nodes[n].Capacity) && (thresholds is null || load[n].Cpu <= thresholds[n])) break;
                Evict(v);
            }
            if (!load[n].FitsIn(index.Nodes[n].Capacity))
            {
                failure = $"node '{index.Nodes[n].Name}' stays overloaded by its pinned VMs";
                return null;
            }
        }

        foreach (var v in evicted.OrderByDescending(v => index.Vms[v].Demand.Cpu).ThenByDescending(v => index.Vms[v].Demand.MemoryMiB))
        {
            var demand = index.Vms[v].Demand;
            var chosen = -1;
            // A migration to another site costs more: the VM's own site is tried first.
            var home = index.Host[v] >= 0 ? index.Nodes[index.Host[v]].Site : null;
            int[] candidates = sameSiteFirst && home is not null ? [.. index.Allowed[v].OrderBy(n => index.Nodes[n].Site == home ? 0 : 1)] : index.Allowed[v];
            // A VM shed only for pressure goes where it leaves the node under its threshold, or stays: moving it to the brim would only churn.
            var forPressure = index.Host[v] >= 0 && index.Pressured[index.Host[v]];
            for (var pass = thresholds is null ? 1 : 0; pass < (forPressure ? 1 : 2) && chosen < 0; pass++)
                foreach (var n in candidates)
                {
                    if (n == index.Host[v] && index.MustShed(n)) continue; // don't put it back where it was evicted from
                    if (pass == 0 && load[n].Cpu + demand.Cpu > thresholds![n]) continue;
                    if ((load[n] + demand).FitsIn(index.Nodes[n].Capacity) && placement.MayPlace(v, n)) { chosen = n; break; }
                }
            if (chosen < 0 && forPressure) chosen = index.Host[v];
            if (chosen < 0)
            {
                failure = $"no node has room for VM '{index.Vms[v].Id}' ({demand})";
                return null;
            }
            target[v] = chosen;
            load[chosen] += demand;
        }
        return target;

        void Evict(int v)
        {
            if (target[v] < 0) return;
            load[target[v]] -= index.Vms[v].Demand;
            target[v] = -1;
            evicted.Add(v);
        }
    }

    /// <summary>The greedy's view of the constraints on a partial placement (-1 = not placed yet), each read by its own rules.</summary>
    private sealed class GreedyConstraints(ProblemIndex index, int[] target)
    {
        public IEnumerable<int> ViolatingVms() =>
            index.Constraints.SelectMany(c => ConstraintRegistry.For(c).Rules.Violating(c, index.Members(c), index, target));

        public bool MayPlace(int vm, int node) =>
            index.Constraints.All(c => ConstraintRegistry.For(c).Rules.MayPlace(c, index.Members(c), vm, node, index, target));
    }
}
