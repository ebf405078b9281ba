using Discovery.Model;
using Discovery.Placement.Constraints;

namespace Discovery.Placement.Checking;

/// <summary>
/// The independent checker: validates any placement and any plan against a problem
/// (capacity at every step, every constraint), without trusting the solver that produced them.
/// </summary>
public static class PlacementChecker
{
    /// <summary>
    /// Every reason <paramref name="target"/> is not a viable placement of <paramref name="problem"/>,
    /// VMs not placed yet included: each must be given a node of the problem.
    /// </summary>
    public static IReadOnlyList<string> CheckPlacement(PlacementProblem problem, IReadOnlyDictionary<string, string> target)
    {
        var errors = new List<string>();
        var nodes = problem.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var load = problem.Nodes.ToDictionary(n => n.Name, _ => Resources.Zero, StringComparer.Ordinal);
        foreach (var vm in problem.Vms)
        {
            if (!target.TryGetValue(vm.Id, out var node) || node is null)
            {
                errors.Add(vm.Host is null ? $"VM '{vm.Id}' is not placed yet and the target leaves it unplaced" : $"VM '{vm.Id}' has no place in the target");
                continue;
            }
            if (!nodes.ContainsKey(node)) { errors.Add($"VM '{vm.Id}' is placed on '{node}', not a node of the problem"); continue; }
            if (vm.Pinned && node != vm.Host) errors.Add($"VM '{vm.Id}' is pinned on '{vm.Host}' but placed on '{node}'");
            load[node] += vm.Demand;
        }
        foreach (var (name, l) in load)
            if (!l.FitsIn(nodes[name].Capacity))
                errors.Add($"capacity: node '{name}' needs {l} but has {nodes[name].Capacity}");
        var state = new PlacementState(nodes.Keys, problem.Vms.Where(v => target.TryGetValue(v.Id, out var t) && t is not null).Select(v => KeyValuePair.Create(v.Id, target[v.Id])));
        foreach (var c in problem.Constraints)
            errors.AddRange(ConstraintRegistry.Checker(c).Final(c, state));
        return errors;
    }

    /// <summary>
    /// Every reason <paramref name="plan"/> is not a safe way from the current placement to
    /// <paramref name="target"/>: a migrating VM holds resources on both hosts until the end of
    /// its step, so each node receiving VMs must have room for them during the step, and each
    /// landing must respect every constraint. VMs not placed yet never migrate: after the last
    /// step each starts on its target, in problem order, as one more landing (the node must have
    /// room with everything landed, and every constraint's landing rule must hold).
    /// </summary>
    public static IReadOnlyList<string> CheckPlan(PlacementProblem problem, IReadOnlyDictionary<string, string> target, MigrationPlan plan)
    {
        var errors = CheckPlacement(problem, target).ToList();
        var nodes = problem.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var vms = problem.Vms.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var where = problem.Vms.ToDictionary(v => v.Id, v => v.Host, StringComparer.Ordinal);
        var load = problem.CurrentLoad();
        var during = new PlacementState(nodes.Keys, where.Where(w => w.Value is not null).Select(w => KeyValuePair.Create(w.Key, w.Value!)));
        var final = new PlacementState(nodes.Keys, target.Where(t => vms.ContainsKey(t.Key)));

        for (var s = 0; s < plan.Steps.Length; s++)
        {
            var step = plan.Steps[s].Migrations;
            var receiving = new HashSet<string>(StringComparer.Ordinal);
            var moving = new HashSet<string>(StringComparer.Ordinal);
            var started = new List<Migration>();
            foreach (var m in step)
            {
                var at = $"step {s + 1}: {m.Vm} {m.From}->{m.To}";
                if (!vms.TryGetValue(m.Vm, out var vm)) { errors.Add($"{at}: unknown VM"); continue; }
                if (vm.Host is null) { errors.Add($"{at}: the VM is not placed yet: it starts on its target after the plan, it does not migrate"); continue; }
                if (!moving.Add(m.Vm)) { errors.Add($"{at}: the VM moves twice in one step"); continue; }
                if (where[m.Vm] != m.From) { errors.Add($"{at}: the VM is on '{where[m.Vm]}', not '{m.From}'"); continue; }
                if (!nodes.ContainsKey(m.To) || m.To == m.From) { errors.Add($"{at}: bad destination"); continue; }
                if (vm.Pinned) errors.Add($"{at}: the VM is pinned");
                if (m.MemoryMiB != vm.Demand.MemoryMiB) errors.Add($"{at}: moves {m.MemoryMiB} MiB, the VM has {vm.Demand.MemoryMiB} MiB");
                foreach (var c in problem.Constraints)
                    errors.AddRange(ConstraintRegistry.Checker(c).Landing(c, during, m.Vm, m.To, final).Select(e => $"{at}: {e}"));
                during.Add(m.Vm, m.To);
                load[m.To] += vm.Demand;
                receiving.Add(m.To);
                started.Add(m);
            }
            foreach (var n in receiving)
                if (!load[n].FitsIn(nodes[n].Capacity))
                    errors.Add($"step {s + 1}: node '{n}' needs {load[n]} while VMs migrate onto it, but has {nodes[n].Capacity}");
            foreach (var m in started)
            {
                during.Remove(m.Vm, m.From);
                load[m.From] -= vms[m.Vm].Demand;
                where[m.Vm] = m.To;
            }
        }
        foreach (var vm in problem.Vms.Where(v => v.Host is null))
        {
            if (!target.TryGetValue(vm.Id, out var node) || node is null || !nodes.ContainsKey(node)) continue; // CheckPlacement said so
            var at = $"start: VM '{vm.Id}' on '{node}'";
            foreach (var c in problem.Constraints)
                errors.AddRange(ConstraintRegistry.Checker(c).Landing(c, during, vm.Id, node, final).Select(e => $"{at}: {e}"));
            during.Add(vm.Id, node);
            load[node] += vm.Demand;
            if (!load[node].FitsIn(nodes[node].Capacity))
                errors.Add($"{at}: node '{node}' needs {load[node]} with everything landed, but has {nodes[node].Capacity}");
            where[vm.Id] = node;
        }
        foreach (var (vm, node) in where)
            if (node is not null && target.TryGetValue(vm, out var t) && t != node)
                errors.Add($"after the plan VM '{vm}' is on '{node}', the target says '{t}'");
        return errors;
    }
}
