using Discovery.Model;

namespace Discovery.Environments;

/// <summary>One step of reconciling a VE with what the hypervisors run, carried out by the VE grain in order.</summary>
public abstract record ReconcileAction(string VmId);

/// <summary>A second copy of the VM on <paramref name="Node"/>: removed there.</summary>
public sealed record RemoveCopy(string VmId, string Node, VmState Observed) : ReconcileAction(VmId);

/// <summary>The VM runs nowhere (or its node is down, <paramref name="Why"/>): it loses its node and is placed again.</summary>
public sealed record LoseVm(string VmId, string Why) : ReconcileAction(VmId);

/// <summary>
/// The VM's record follows the copy kept: <paramref name="Host"/> (moved when the record said another node),
/// <paramref name="Observed"/>; a stopped or crashed copy is then started there (<see cref="Start"/>).
/// </summary>
public sealed record FollowVm(string VmId, string Host, VmState Observed, bool Moved) : ReconcileAction(VmId)
{
    /// <summary>Found stopped or crashed: started again.</summary>
    public bool Start => Observed is VmState.Stopped or VmState.Crashed;
}

/// <summary>A hypervisor VM carries the VE's prefix but is none of its VMs: reported, left alone.</summary>
public sealed record ReportUnknown(string VmId, IReadOnlyList<string> Nodes) : ReconcileAction(VmId);

/// <summary>
/// Desired against actual (pure logic, the decision of reconciling after a reactivation): a VM running
/// elsewhere than recorded is followed, one found stopped is started, one found nowhere is placed again,
/// a copy on a second node is removed; a VM whose node did not answer (and is not down) is left alone,
/// since it may still run there; hypervisor VMs with the VE's prefix that are none of its VMs are reported.
/// </summary>
public static class VeReconciliation
{
    /// <summary>
    /// The steps for the VE <paramref name="ve"/> with <paramref name="vms"/>, given the <paramref name="answered"/> nodes'
    /// snapshots and the nodes known <paramref name="down"/>: per VM (its copies removed first), then the unknown VMs.
    /// </summary>
    public static IReadOnlyList<ReconcileAction> Decide(string ve, IReadOnlyList<VeVm> vms, IReadOnlyList<NodeSnapshot> answered, IReadOnlySet<string> down)
    {
        var actions = new List<ReconcileAction>();
        var replied = answered.Select(n => n.Node).ToHashSet(StringComparer.Ordinal);
        var seen = answered.SelectMany(n => n.Vms.Where(v => v.Host == n.Node)).ToLookup(v => v.Id);
        foreach (var vm in vms)
        {
            var copies = seen[vm.Id].ToList();
            // Where the VE records it first, else a running copy, else any.
            var kept = copies.FirstOrDefault(c => c.Host == vm.Host) ?? copies.FirstOrDefault(c => c.State == VmState.Running) ?? copies.FirstOrDefault();
            actions.AddRange(copies.Where(c => c != kept).Select(extra => new RemoveCopy(vm.Id, extra.Host, extra.State)));
            if (kept is not null) actions.Add(new FollowVm(vm.Id, kept.Host, kept.State, vm.Host != kept.Host));
            else if (vm.Host is { } host && (replied.Contains(host) || down.Contains(host)))
                actions.Add(new LoseVm(vm.Id, down.Contains(host) ? $"node {host} is down" : "missing from every hypervisor"));
        }
        var prefix = VeId.QualifyVm(ve, "");
        actions.AddRange(seen.Where(g => g.Key.StartsWith(prefix, StringComparison.Ordinal) && vms.All(v => v.Id != g.Key))
            .Select(g => new ReportUnknown(g.Key, [.. g.Select(v => v.Host)])));
        return actions;
    }
}
