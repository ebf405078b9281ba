using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// Orders the migrations from a current placement to a target one. A migrating VM holds CPU
/// and memory on both hosts until its step ends, so a migration starts only when its
/// destination has room and its landing breaks no constraint; migrations that can start
/// together form one parallel step. When nothing can start (a cycle: A waits for B's room and
/// B for A's), one VM goes through a pivot node with room; when no pivot exists the builder
/// says so instead of returning an unsafe plan.
/// </summary>
public static class PlanBuilder
{
    /// <summary>The plan, or null and the reason no safe order was found.</summary>
    public static (MigrationPlan? Plan, string? Failure) Build(PlacementProblem problem, IReadOnlyDictionary<string, string> target)
    {
        var capacity = problem.Nodes.ToDictionary(n => n.Name, n => n.Capacity, StringComparer.Ordinal);
        var vms = problem.Vms.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var load = problem.CurrentLoad();
        var holders = problem.Nodes.ToDictionary(n => n.Name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var vm in problem.Vms) holders[vm.Host].Add(vm.Id);
        var rules = new LandingRules(problem, target);

        // Moves out of the most overloaded nodes first: they relieve violations soonest.
        var pending = problem.Vms.Where(v => target.TryGetValue(v.Id, out var t) && t != v.Host)
            .OrderByDescending(v => Excess(load[v.Host], capacity[v.Host]))
            .ThenByDescending(v => v.Demand.MemoryMiB)
            .Select(v => new Move(v, v.Host, target[v.Id]))
            .ToList();
        var steps = ImmutableArray.CreateBuilder<PlanStep>();
        var pivots = 0;
        var maxPivots = 2 * pending.Count + 8;

        while (pending.Count > 0)
        {
            var step = new List<Move>();
            foreach (var move in pending)
            {
                if (!Fits(move.Vm, move.To) || !rules.MayLand(move.Vm.Id, move.To, holders)) continue;
                Start(move);
            }
            if (step.Count == 0)
            {
                if (++pivots > maxPivots || !TryPivot())
                    return (null, $"no safe order for {pending.Count} migration(s) ({string.Join(", ", pending.Take(5).Select(m => $"{m.Vm.Id} {m.From}->{m.To}"))}), and no pivot node has room");
            }
            foreach (var m in step)
            {
                pending.Remove(m);
                load[m.From] -= m.Vm.Demand;
                holders[m.From].Remove(m.Vm.Id);
            }
            steps.Add(new PlanStep([.. step.Select(m => new Migration(m.Vm.Id, m.From, m.To, m.Vm.Demand.MemoryMiB))]));

            void Start(Move m)
            {
                step.Add(m);
                load[m.To] += m.Vm.Demand;
                holders[m.To].Add(m.Vm.Id);
            }

            bool TryPivot()
            {
                foreach (var move in pending.OrderBy(m => m.Vm.Demand.MemoryMiB))
                {
                    var pivot = capacity.Keys
                        .Where(n => n != move.From && n != move.To && Fits(move.Vm, n) && rules.MayLand(move.Vm.Id, n, holders, asPivot: true))
                        .OrderByDescending(n => Room(n))
                        .FirstOrDefault();
                    if (pivot is null) continue;
                    var first = move with { To = pivot };
                    var index = pending.IndexOf(move);
                    pending[index] = first;
                    pending.Add(new Move(move.Vm, pivot, move.To));
                    Start(first);
                    return true;
                }
                return false;
            }
        }
        return (new MigrationPlan(steps.ToImmutable()), null);

        bool Fits(PlacementVm vm, string node) => (load[node] + vm.Demand).FitsIn(capacity[node]);
        long Room(string node) => (long)(capacity[node].Cpu - load[node].Cpu) * 1_000_000 + (capacity[node].MemoryMiB - load[node].MemoryMiB);
    }

    private static long Excess(Resources load, Resources capacity) =>
        Math.Max(0, load.Cpu - capacity.Cpu) + Math.Max(0, load.MemoryMiB - capacity.MemoryMiB);

    private sealed record Move(PlacementVm Vm, string From, string To);

    /// <summary>The plan builder's own reading of the constraints for one landing.</summary>
    private sealed class LandingRules
    {
        private readonly HashSet<string> _offline = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Func<string, Dictionary<string, HashSet<string>>, bool>>> _rules = new(StringComparer.Ordinal);
        private readonly HashSet<string> _lonelyMembers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _gathered = new(StringComparer.Ordinal);

        public LandingRules(PlacementProblem problem, IReadOnlyDictionary<string, string> target)
        {
            foreach (var c in problem.Constraints)
            {
                switch (c)
                {
                    case Offline o: _offline.UnionWith(o.Nodes); break;
                    case Ban b:
                        var banned = b.Nodes.ToHashSet(StringComparer.Ordinal);
                        foreach (var vm in b.Vms) Add(vm, (n, _) => !banned.Contains(n));
                        break;
                    case Fence f:
                        var fence = f.Nodes.ToHashSet(StringComparer.Ordinal);
                        foreach (var vm in f.Vms) Add(vm, (n, _) => fence.Contains(n));
                        break;
                    case Spread s:
                        var spread = s.Vms.ToHashSet(StringComparer.Ordinal);
                        foreach (var vm in s.Vms) Add(vm, (n, h) => !h[n].Any(o => o != vm && spread.Contains(o)));
                        break;
                    case Lonely l:
                        var lonely = l.Vms.ToHashSet(StringComparer.Ordinal);
                        _lonelyMembers.UnionWith(lonely);
                        foreach (var vm in l.Vms) Add(vm, (n, h) => h[n].All(o => o == vm || lonely.Contains(o)));
                        break;
                    case Gather g:
                        _gathered.UnionWith(g.Vms);
                        break;
                    case Latency lat:
                        var finalNodes = lat.Vms.Where(target.ContainsKey).Select(v => target[v]).ToHashSet(StringComparer.Ordinal);
                        var allowed = lat.Groups.Where(g => finalNodes.All(g.Contains)).SelectMany(g => g).ToHashSet(StringComparer.Ordinal);
                        foreach (var vm in lat.Vms) Add(vm, (n, _) => allowed.Contains(n));
                        break;
                }
            }
        }

        private void Add(string vm, Func<string, Dictionary<string, HashSet<string>>, bool> rule)
        {
            if (!_rules.TryGetValue(vm, out var list)) _rules[vm] = list = [];
            list.Add(rule);
        }

        public bool MayLand(string vm, string node, Dictionary<string, HashSet<string>> holders, bool asPivot = false)
        {
            if (_offline.Contains(node)) return false;
            if (asPivot && _gathered.Contains(vm)) return false;
            // A VM outside every lonely set may not join a node that hosts lonely VMs.
            if (!_lonelyMembers.Contains(vm) && holders[node].Any(_lonelyMembers.Contains)) return false;
            return !_rules.TryGetValue(vm, out var rules) || rules.All(r => r(node, holders));
        }
    }
}
