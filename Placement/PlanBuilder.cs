using System.Collections.Immutable;
using Discovery.Model;

namespace Discovery.Placement;

/// <summary>
/// Orders the migrations from a current placement to a target one. A migrating VM holds CPU
/// and memory on both hosts until its step ends, so a migration starts only when its
/// destination has room and its landing breaks no constraint; migrations that can start
/// together form one parallel step. When nothing can start (a cycle: A waits for B's room and
/// B for A's), one VM goes through a pivot node with room; when no pivot exists the builder
/// says so instead of returning an unsafe plan. VMs not placed yet never migrate: they are absent
/// while the migrations are ordered (so migrations may use the room they will take) and start on
/// their target after the last step.
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
        foreach (var vm in problem.Vms)
            if (vm.Host is not null) holders[vm.Host].Add(vm.Id);
        var rules = new LandingRules(problem, target);

        // Moves out of the most overloaded nodes first: they relieve violations soonest.
        var pending = problem.Vms.Where(v => v.Host is not null && target.TryGetValue(v.Id, out var t) && t != v.Host)
            .OrderByDescending(v => Excess(load[v.Host!], capacity[v.Host!]))
            .ThenByDescending(v => v.Demand.MemoryMiB)
            .Select(v => new Move(v, v.Host!, target[v.Id]))
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
}
