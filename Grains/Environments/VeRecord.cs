using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Environments;

/// <summary>What a user asks of a VE after submitting it.</summary>
public enum VeOperation { Start, Stop, Suspend, Resume, Delete }

/// <summary>What a VE does about a crash its hypervisor reported.</summary>
public enum CrashVerdict
{
    /// <summary>Not a running VM of a VE that wants it running (stale news): nothing changes.</summary>
    Ignored,
    /// <summary>The VM is marked crashed and restarted after <see cref="CrashOutcome.Backoff"/>.</summary>
    Restart,
    /// <summary>The crash loop fails the VE (<see cref="VeState.Failed"/>).</summary>
    Failed,
}

/// <summary>The answer of <see cref="VeRecord.Crashed"/>: what to do and the transitions to publish.</summary>
public sealed record CrashOutcome(CrashVerdict Verdict, TimeSpan Backoff, IReadOnlyList<VeTransition> Transitions);

/// <summary>
/// A VE as a state machine (pure logic, after eShop's guarded status methods): the only code that changes
/// the VE's state (<see cref="Become"/>), its VM records (<see cref="Replace"/>), its crash history and its
/// transition log, all inside the persisted <see cref="VeGrainState"/>. Each method names the state it
/// leads to, refuses what the current state does not allow (<see cref="VeRefusedException"/>) or does
/// nothing where the VE is already there, and returns the transitions to publish. The VE grain carries
/// out the node calls between the steps.
/// </summary>
public sealed class VeRecord(string key, VeGrainState state, TimeProvider time)
{
    /// <summary>Transitions kept in a VE's state.</summary>
    public const int History = 50;

    /// <summary>The VE's key (<c>tenant/name</c>).</summary>
    public string Key { get; } = key;

    /// <summary>True once submitted (a deleted VE still exists, in <see cref="VeState.Deleted"/>).</summary>
    public bool Exists => state.Spec is not null;

    public VeState State => state.State;

    /// <summary>Why the VE is pending or failed.</summary>
    public string? Reason => state.Reason;

    public IReadOnlyList<VeVm> Vms => state.Vms;

    /// <summary>The constraints with hypervisor VM ids.</summary>
    public IReadOnlyList<Constraints.PlacementConstraint> Constraints => state.Constraints;

    /// <summary>The last <see cref="History"/> transitions, oldest first.</summary>
    public IReadOnlyList<VeTransition> Transitions => state.Transitions;

    /// <summary>The VE wants its VMs running (placed, started, restarted, reconciled).</summary>
    public bool WantsRunning => Exists && State is VeState.Running or VeState.Pending;

    /// <summary>The VM with hypervisor id <paramref name="vmId"/>, if the VE has one.</summary>
    public VeVm? Find(string vmId) => state.Vms.Find(v => v.Id == vmId);

    /// <summary>The VMs recorded on <paramref name="node"/> (none for a VE never submitted or deleted).</summary>
    public IReadOnlyList<VeVm> VmsOn(string node) =>
        Exists && State != VeState.Deleted ? [.. state.Vms.Where(v => v.Host == node)] : [];

    // ---- submit ----

    /// <summary>Refuses a submit over a live VE (checked before validating, which asks the cluster for capacities).</summary>
    public void EnsureSubmittable()
    {
        if (Exists && State != VeState.Deleted)
            throw new VeRefusedException($"VE {Key} already exists ({State}): delete it before submitting it again", VeRefusal.AlreadyExists);
    }

    /// <summary>→ <see cref="VeState.Pending"/>: a new (or deleted) VE takes <paramref name="spec"/>, its VM ids qualified, no node yet.</summary>
    public IReadOnlyList<VeTransition> Submit(VeSpec spec)
    {
        EnsureSubmittable();
        var qualify = (string vm) => VeId.QualifyVm(Key, vm);
        state.Spec = spec;
        state.Vms = [.. spec.Vms.Select(v => new VeVm(v.Id, v with { Id = qualify(v.Id) }, VmState.Stopped, null))];
        state.Constraints = [.. (spec.Constraints.IsDefault ? [] : spec.Constraints).Select(c => c.RenameVms(qualify))];
        state.Crashes = [];
        return Become(VeState.Pending, null, "submitted", shownFrom: "none");
    }

    /// <summary>What is wrong with <paramref name="spec"/> submitted as <paramref name="key"/> on nodes of <paramref name="capacities"/>, booting <paramref name="images"/> (default: plain names).</summary>
    public static IReadOnlyList<ValidationProblem> Validate(string key, VeSpec spec, IReadOnlyDictionary<string, Resources> capacities, ImageCatalog? images = null)
    {
        var problems = new List<ValidationProblem>();
        if (VeId.Parse(key) is not { } id)
            problems.Add(new("id", $"'{key}' is not tenant/name, each of lowercase letters, digits and '-' (at most 63)"));
        else if (!string.IsNullOrEmpty(spec.Id) && spec.Id != key && spec.Id != id.Name)
            problems.Add(new("id", $"'{spec.Id}' does not match the VE it is submitted as ('{key}')"));
        var vms = spec.Vms.IsDefault ? [] : spec.Vms;
        for (var i = 0; i < vms.Length; i++)
            if (!string.IsNullOrEmpty(vms[i].Id) && !VeId.IsValidVmName(vms[i].Id))
                problems.Add(new($"vms[{i}].id", $"'{vms[i].Id}' must be letters, digits and '-' (at most 63), starting with a letter or digit"));
        problems.AddRange(VeSpecValidator.Validate(spec with { Id = string.IsNullOrEmpty(spec.Id) ? key : spec.Id }, capacities, images: images));
        return problems;
    }

    // ---- the user's operations: each returns the VMs to act on, or null when the VE is already there ----

    /// <summary>Start (towards Running, see <see cref="Settle"/>): the VMs placed but not running; the crash history is forgotten.</summary>
    public IReadOnlyList<VeVm>? Start()
    {
        if (!Accepts(VeOperation.Start)) return null;
        state.Crashes.Clear();
        return [.. state.Vms.Where(v => v.Host is not null && v.State != VmState.Running)];
    }

    /// <summary>Stop (towards <see cref="Stopped"/>): the VMs running or suspended on a node.</summary>
    public IReadOnlyList<VeVm>? Stop() => Accepts(VeOperation.Stop)
        ? [.. state.Vms.Where(v => v.Host is not null && v.State is VmState.Running or VmState.Suspended)]
        : null;

    /// <summary>Suspend (towards <see cref="Suspended"/>): the VMs running on a node.</summary>
    public IReadOnlyList<VeVm>? Suspend() => Accepts(VeOperation.Suspend)
        ? [.. state.Vms.Where(v => v.State == VmState.Running && v.Host is not null)]
        : null;

    /// <summary>Resume (towards Running, see <see cref="Settle"/>): the VMs suspended on a node.</summary>
    public IReadOnlyList<VeVm>? Resume() => Accepts(VeOperation.Resume)
        ? [.. state.Vms.Where(v => v.State == VmState.Suspended && v.Host is not null)]
        : null;

    /// <summary>Delete (towards <see cref="Deleted"/>): every VM.</summary>
    public IReadOnlyList<VeVm>? Delete() => Accepts(VeOperation.Delete) ? [.. state.Vms] : null;

    /// <summary>→ <see cref="VeState.Stopped"/>, once its VMs are stopped.</summary>
    public IReadOnlyList<VeTransition> Stopped() => Accepts(VeOperation.Stop) ? Become(VeState.Stopped, null, "stopped by the user") : [];

    /// <summary>→ <see cref="VeState.Suspended"/>, once its VMs are suspended.</summary>
    public IReadOnlyList<VeTransition> Suspended() => Accepts(VeOperation.Suspend) ? Become(VeState.Suspended, null, "suspended by the user") : [];

    /// <summary>→ <see cref="VeState.Deleted"/>, once its VMs are removed and forgotten.</summary>
    public IReadOnlyList<VeTransition> Deleted() => Accepts(VeOperation.Delete) ? Become(VeState.Deleted, null, "deleted by the user") : [];

    /// <summary>
    /// Whether <paramref name="operation"/> goes ahead (true), finds the VE already there (false), or is refused
    /// (<see cref="VeRefusedException"/> naming the state and what to do instead), like a process's states.
    /// </summary>
    public bool Accepts(VeOperation operation)
    {
        if (!Exists) throw new VeRefusedException($"VE {Key} does not exist: submit it first", VeRefusal.NotFound);
        var (go, refusal) = Decide(State, operation);
        if (refusal is not null) throw new VeRefusedException($"{operation} {Key}: {refusal}");
        return go;
    }

    private static (bool Go, string? Refusal) Decide(VeState state, VeOperation operation) => (operation, state) switch
    {
        (_, VeState.Deleted) when operation != VeOperation.Delete => (false, "the VE was deleted: submit it again"),
        (VeOperation.Delete, VeState.Deleted) => (false, null),
        (VeOperation.Delete, _) => (true, null),

        (VeOperation.Start, VeState.Running or VeState.Pending) => (false, null),
        (VeOperation.Start, VeState.Stopped or VeState.Failed) => (true, null),
        (VeOperation.Start, VeState.Suspended) => (false, "the VE is suspended: resume it"),

        (VeOperation.Stop, VeState.Stopped) => (false, null),
        (VeOperation.Stop, _) => (true, null),

        (VeOperation.Suspend, VeState.Suspended) => (false, null),
        (VeOperation.Suspend, VeState.Running) => (true, null),
        (VeOperation.Suspend, _) => (false, $"the VE is {state}: only a running VE can be suspended"),

        (VeOperation.Resume, VeState.Running) => (false, null),
        (VeOperation.Resume, VeState.Suspended) => (true, null),
        (VeOperation.Resume, VeState.Stopped) => (false, "the VE is stopped: start it"),
        (VeOperation.Resume, _) => (false, $"the VE is {state}: only a suspended VE can be resumed"),

        _ => (false, $"{operation} is not possible while the VE is {state}"),
    };

    // ---- placement's outcome ----

    /// <summary>→ <see cref="VeState.Running"/> when every VM runs, else <see cref="VeState.Pending"/> with what each missing VM waits for.</summary>
    public IReadOnlyList<VeTransition> Settle()
    {
        EnsureLive();
        var missing = state.Vms.Where(v => v.State != VmState.Running).ToList();
        return missing.Count == 0
            ? Become(VeState.Running, null, "every VM runs")
            : Become(VeState.Pending, string.Join("; ", missing.Select(v => $"{v.Name}: {v.Reason ?? "not started"}")), "not every VM runs");
    }

    /// <summary>→ <see cref="VeState.Pending"/>: no placement for the VMs without a node (<paramref name="why"/>).</summary>
    public IReadOnlyList<VeTransition> NoRoom(string why)
    {
        EnsureLive();
        return Become(VeState.Pending, why, "no room");
    }

    /// <summary>→ <see cref="VeState.Pending"/>: a directory or the solver did not answer; the retry tries again.</summary>
    public IReadOnlyList<VeTransition> PlacementFailed(string message)
    {
        EnsureLive();
        return Become(VeState.Pending, $"placement failed: {message}", "placement failed");
    }

    // ---- one VM ----

    /// <summary>VM → Running on <paramref name="host"/> (started, restarted, or placed and started).</summary>
    public IReadOnlyList<VeTransition> VmStarted(string vmId, string host, string why) =>
        Replace(vmId, vm => vm with { State = VmState.Running, Host = host, Reason = null, Restoring = false }, host, why);

    /// <summary>VM → Stopped where it is (the VE is being stopped).</summary>
    public IReadOnlyList<VeTransition> VmStopped(string vmId) => Replace(vmId, vm => vm with { State = VmState.Stopped }, null, "stopped");

    /// <summary>VM → Suspended where it is.</summary>
    public IReadOnlyList<VeTransition> VmSuspended(string vmId) => Replace(vmId, vm => vm with { State = VmState.Suspended }, null, "suspended");

    /// <summary>VM → Running where it is, resumed.</summary>
    public IReadOnlyList<VeTransition> VmResumed(string vmId) => Replace(vmId, vm => vm with { State = VmState.Running }, null, "resumed");

    /// <summary>VM → Stopped without a node: destroyed with its VE.</summary>
    public IReadOnlyList<VeTransition> VmDeleted(string vmId) => Replace(vmId, vm => vm with { State = VmState.Stopped, Host = null }, null, "deleted");

    /// <summary>VM keeps no node (its start on <paramref name="node"/> failed): placed again later, the reason kept.</summary>
    public IReadOnlyList<VeTransition> StartFailed(string vmId, string node, string reason) =>
        Replace(vmId, vm => vm with { Reason = reason }, node, "start failed");

    /// <summary>VM → Stopped without a node, removed from <paramref name="host"/> to be placed again; <paramref name="restoring"/>: it ran before.</summary>
    public IReadOnlyList<VeTransition> VmUnplaced(string vmId, string host, string why, bool restoring) =>
        Replace(vmId, vm => vm with { State = VmState.Stopped, Host = null, Reason = why, Restoring = restoring }, host, why);

    /// <summary>VM → Stopped without a node: gone with its node or from every hypervisor; one that ran is restored first.</summary>
    public IReadOnlyList<VeTransition> Lost(string vmId, string reason, string why) =>
        Replace(vmId, vm => vm with { State = VmState.Stopped, Host = null, Reason = reason, Restoring = vm.State == VmState.Running }, null, why);

    /// <summary>Every VM on <paramref name="node"/>, down, is lost (<see cref="Lost"/>): one at a time, as the grain forgets each one's placement.</summary>
    public IReadOnlyList<VeTransition> NodeDown(string vmId, string node) => Find(vmId)?.Host == node
        ? Lost(vmId, $"node {node} down", $"node {node} is down: placed again")
        : [];

    /// <summary>VM follows what reconciling found: on <paramref name="host"/>, <paramref name="observed"/>.</summary>
    public IReadOnlyList<VeTransition> Found(string vmId, string host, VmState observed) =>
        Replace(vmId, vm => vm with { Host = host, State = observed },
            host, observed is VmState.Stopped or VmState.Crashed ? "found stopped when reconciling" : "reconciled with the hypervisors");

    /// <summary>VM follows a scheduler's migration from <paramref name="from"/> to <paramref name="host"/>; nothing when it was not recorded on <paramref name="from"/>.</summary>
    public IReadOnlyList<VeTransition> Migrated(string vmId, string from, string host) => Find(vmId)?.Host == from && from != host
        ? Replace(vmId, vm => vm with { Host = host }, host, "migrated by a scheduler")
        : [];

    /// <summary>
    /// A scheduler moved <paramref name="vmId"/> from <paramref name="from"/> to <paramref name="host"/> but the VE records it on a third
    /// node: what moved was a stale copy (its node came back), to be ruled on where it landed (<see cref="CopyReturned"/>).
    /// </summary>
    public bool MovedFromElsewhere(string vmId, string from, string host) => Find(vmId) is { } vm && vm.Host != host && vm.Host != from;

    /// <summary>
    /// VM → Crashed (its hypervisor saw it <paramref name="observed"/> on <paramref name="node"/>), counted by
    /// <see cref="CrashLoopGuard"/>: restarted after a back-off, or the VE → <see cref="VeState.Failed"/>.
    /// </summary>
    public CrashOutcome Crashed(string vmId, VmState observed, string node)
    {
        if (!WantsRunning || Find(vmId) is not { State: VmState.Running } vm || vm.Host != node)
            return new(CrashVerdict.Ignored, TimeSpan.Zero, []);
        var transitions = Replace(vmId, v => v with { State = VmState.Crashed, Reason = $"seen {observed} on {node}" }, node, $"the hypervisor reported it {observed}").ToList();
        if (!state.Crashes.TryGetValue(vmId, out var crashes)) state.Crashes[vmId] = crashes = [];
        var (fail, backoff) = CrashLoopGuard.OnCrash(crashes, time.GetUtcNow());
        if (!fail) return new(CrashVerdict.Restart, backoff, transitions);
        transitions.AddRange(Become(VeState.Failed,
            $"{vm.Name} crashed {crashes.Count} times within {CrashLoopGuard.Window.TotalMinutes:0} min (last on {node}); start the VE to try again",
            "crash loop"));
        return new(CrashVerdict.Failed, TimeSpan.Zero, transitions);
    }

    /// <summary>The crashed VM to restart now, if the VE still wants it and it is still crashed on a node.</summary>
    public VeVm? ToRestart(string vmId) => WantsRunning && Find(vmId) is { State: VmState.Crashed, Host: not null } vm ? vm : null;

    // ---- copies on nodes that come back ----

    /// <summary>
    /// What to do with a copy of <paramref name="vmId"/>, <paramref name="observed"/> on <paramref name="node"/> back after being down
    /// (<see cref="ReturnedCopy"/>); <see cref="CopyAction.Restart"/> when kept where recorded but no longer running while the VE wants it.
    /// </summary>
    public CopyAction CopyReturned(string vmId, string node, VmState observed)
    {
        var action = ReturnedCopy.Decide(Exists ? State : null, Find(vmId), node);
        return action == CopyAction.Keep && WantsRunning && observed is VmState.Stopped or VmState.Crashed ? CopyAction.Restart : action;
    }

    /// <summary>VM → <paramref name="observed"/> on <paramref name="node"/> (its host rebooted meanwhile), before it is started again.</summary>
    public IReadOnlyList<VeTransition> CopyStopped(string vmId, string node, VmState observed) =>
        Replace(vmId, vm => vm with { State = observed }, node, $"found {observed} on {node}, back after being down");

    /// <summary>VM → <paramref name="observed"/> on <paramref name="node"/>: the returned copy becomes the VM.</summary>
    public IReadOnlyList<VeTransition> CopyAdopted(string vmId, string node, VmState observed) =>
        Replace(vmId, vm => vm with { Host = node, State = observed, Reason = null, Restoring = false }, node, $"found {observed} on {node}, back after being down: kept");

    /// <summary>A stale copy on <paramref name="node"/>, back after being down, was destroyed (the record does not change).</summary>
    public IReadOnlyList<VeTransition> CopyDestroyed(string vmId, string node, VmState observed)
    {
        var vm = Find(vmId);
        var why = vm?.Host is { } host ? $"the VM runs on {host} now" : $"the VE is {State}";
        return [Log(vm?.Name ?? vmId, observed.ToString(), "Removed", node, $"stale copy on {node}, back after being down, destroyed: {why}")];
    }

    /// <summary>A second copy found when reconciling was removed (the record does not change).</summary>
    public IReadOnlyList<VeTransition> CopyRemoved(string vmId, string node, VmState observed) =>
        [Log(Find(vmId)?.Name ?? vmId, observed.ToString(), "Removed", node, "a second copy found when reconciling: removed")];

    // ---- the one place each changes ----

    /// <summary>
    /// The one place the VE's state changes; a transition only when it does (the reason always follows), or always
    /// when <paramref name="shownFrom"/> names where it comes from (a submit comes from "none", whatever was deleted before).
    /// </summary>
    private IReadOnlyList<VeTransition> Become(VeState to, string? reason, string why, string? shownFrom = null)
    {
        var from = state.State;
        state.State = to;
        state.Reason = reason;
        return from == to && shownFrom is null ? [] : [Log(null, shownFrom ?? from.ToString(), to.ToString(), null, reason ?? why)];
    }

    /// <summary>The one place a VM record changes; a transition when its state or node does. Nothing for a VM the VE does not have.</summary>
    private IReadOnlyList<VeTransition> Replace(string vmId, Func<VeVm, VeVm> change, string? node, string why)
    {
        var i = state.Vms.FindIndex(v => v.Id == vmId);
        if (i < 0) return [];
        var (before, after) = (state.Vms[i], change(state.Vms[i]));
        state.Vms[i] = after;
        return before.State != after.State || before.Host != after.Host
            ? [Log(before.Name, before.State.ToString(), after.State.ToString(), node ?? after.Host ?? before.Host, why)]
            : [];
    }

    private VeTransition Log(string? vm, string from, string to, string? node, string reason)
    {
        var transition = new VeTransition(Key, vm, from, to, node, reason, time.GetUtcNow());
        state.Transitions.Add(transition);
        if (state.Transitions.Count > History) state.Transitions.RemoveRange(0, state.Transitions.Count - History);
        return transition;
    }

    private void EnsureLive()
    {
        if (!Exists || State == VeState.Deleted) throw new InvalidOperationException($"VE {Key} is {(Exists ? "deleted" : "not submitted")}: nothing to place");
    }
}
