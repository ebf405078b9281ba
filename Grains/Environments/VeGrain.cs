using System.Collections.Immutable;
using Discovery.Constraints;
using Discovery.Grains;
using Discovery.Hypervisors;
using Discovery.Model;
using Discovery.Placement;
using Discovery.Placement.Checking;
using Discovery.Time;
using Discovery.Validation;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>
/// A virtual environment (the seed's VET): persisted spec, state and VMs; every operation is a
/// context switch carried out through the node grains, decided by <see cref="VeLifecycle"/>;
/// crashed VMs restart under <see cref="CrashLoopGuard"/>. Not reentrant: operations on one VE
/// queue behind each other, and <see cref="GetAsync"/> (interleaved) shows the one under way.
/// </summary>
public sealed class VeGrain(
    [PersistentState("ve", VeGrain.StorageName)] IPersistentState<VeGrainState> state,
    InfrastructureClock clock,
    ILogger<VeGrain> logger) : Grain, IVeGrain
{
    /// <summary>The grain storage provider VE grains persist in (memory or ADO.NET, by silo configuration).</summary>
    public const string StorageName = "discovery";

    /// <summary>Transitions kept in a VE's state.</summary>
    public const int History = 50;

    /// <summary>A pending VE tries to place its VMs again this often, besides being woken when room appears.</summary>
    public static readonly TimeSpan PendingRetry = TimeSpan.FromSeconds(10);

    private string? _operation;
    private int _placements;
    private IGrainTimer? _retry;

    private string Key => this.GetPrimaryKeyString();
    private VeGrainState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Reactivated (after a deactivation or on another silo after a silo died): what the
        // hypervisors run may have changed meanwhile. Reconcile first, off the activation path.
        if (S.Spec is not null && S.State is VeState.Running or VeState.Pending)
            this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Desired against actual: a VM running elsewhere than recorded is followed, one found stopped is
    /// started, one found nowhere is placed again, a copy on a second node is removed; hypervisor VMs
    /// that carry this VE's prefix but are not among its VMs are reported.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (S.State is not (VeState.Running or VeState.Pending)) return; // a Stop or Delete ran first
        using var _ = Operation("reconcile");
        await GrainFactory.GetGrain<IConstraintDirectoryGrain>(0).SetAsync(Key, [.. S.Constraints]); // the directory may have lost them
        await GrainFactory.GetGrain<IVeDirectoryGrain>(0).UpdateAsync(Key, S.State);
        var nodes = await SnapshotNodesAsync();
        var answered = nodes.Select(n => n.Node).ToHashSet(StringComparer.Ordinal);
        var down = (await GrainFactory.GetGrain<INodeDirectoryGrain>(0).DownAsync()).ToHashSet(StringComparer.Ordinal);
        var seen = nodes.SelectMany(n => n.Vms.Where(v => v.Host == n.Node)).ToLookup(v => v.Id);
        foreach (var vm in S.Vms.ToList())
        {
            var copies = seen[vm.Id].ToList();
            var kept = copies.FirstOrDefault(c => c.Host == vm.Host) ?? copies.FirstOrDefault(c => c.State == VmState.Running) ?? copies.FirstOrDefault();
            foreach (var extra in copies.Where(c => c != kept))
            {
                await Node(extra.Host).RemoveVmAsync(vm.Id);
                Record(vm.Name, extra.State.ToString(), "Removed", extra.Host, "a second copy found when reconciling: removed");
            }
            if (kept is null)
            {
                if (vm.Host is not null && !answered.Contains(vm.Host) && !down.Contains(vm.Host)) continue; // its node did not answer: it may still run there
                if (vm.Host is not null)
                {
                    var why = down.Contains(vm.Host) ? $"node {vm.Host} is down" : "missing from every hypervisor";
                    Lost(vm, why + " when reconciling", why + ": placed again");
                }
                continue;
            }
            var current = vm with { Host = kept.Host, State = kept.State };
            if (vm.Host != kept.Host) await PlacedAsync(vm, kept.Host);
            var stopped = kept.State is VmState.Stopped or VmState.Crashed;
            Update(vm, current, kept.Host, stopped ? "found stopped when reconciling" : "reconciled with the hypervisors");
            if (stopped) await StartOrUnplaceAsync(current, kept.Host, $"found {kept.State} when reconciling: started", restoring: true);
        }
        var prefix = VeId.QualifyVm(Key, "");
        foreach (var unknown in seen.Where(g => g.Key.StartsWith(prefix, StringComparison.Ordinal) && S.Vms.All(v => v.Id != g.Key)))
            logger.LogWarning("VE {Ve}: VM {Vm} runs on {Nodes} but is not one of the VE's VMs; left alone", Key, unknown.Key, string.Join(", ", unknown.Select(v => v.Host)));
        await PlaceAndStartAsync(); // snapshots again: the VMs just started hold resources now
    }

    public async Task<VeView> SubmitTextAsync(string text, string file)
    {
        var capacities = await GrainFactory.GetGrain<INodeDirectoryGrain>(0).CapacitiesAsync();
        var name = VeId.Parse(Key)?.Name ?? Key;
        var compiled = Language.VeCompiler.Compile(text, file, name, capacities.Keys.ToHashSet(StringComparer.Ordinal));
        if (!compiled.Succeeded)
            throw new InvalidVeTextException([.. compiled.Errors.Select(e => new TextProblem(e.File, e.At.Line, e.At.Column, e.Message))]);
        return await SubmitAsync(compiled.Ve!, capacities);
    }

    public Task<VeView> GetAsync() => S.Spec is null
        ? throw new VeRefusedException($"VE {Key} does not exist: submit it first", VeRefusal.NotFound)
        : Task.FromResult(View());

    public Task<VeView> SubmitAsync(VeSpec spec) => SubmitAsync(spec, null);

    /// <summary>Submits <paramref name="spec"/>, validated against <paramref name="capacities"/> (read from the node directory when null).</summary>
    private async Task<VeView> SubmitAsync(VeSpec spec, IReadOnlyDictionary<string, Resources>? capacities)
    {
        if (S.Spec is not null && S.State != VeState.Deleted)
            throw new VeRefusedException($"VE {Key} already exists ({S.State}): delete it before submitting it again", VeRefusal.AlreadyExists);
        using var _ = Operation("submit");
        var problems = Validate(spec, capacities ?? await GrainFactory.GetGrain<INodeDirectoryGrain>(0).CapacitiesAsync());
        if (problems.Count > 0) throw new InvalidSpecException(problems);

        var qualify = (string vm) => VeId.QualifyVm(Key, vm);
        state.State = new VeGrainState
        {
            Spec = spec,
            State = VeState.Pending,
            Vms = [.. spec.Vms.Select(v => new VeVm(v.Id, v with { Id = qualify(v.Id) }, VmState.Stopped, null))],
            Constraints = [.. (spec.Constraints.IsDefault ? [] : spec.Constraints).Select(c => c.RenameVms(qualify))],
            Transitions = S.Transitions,
        };
        Record(null, "none", VeState.Pending.ToString(), null, "submitted");
        await GrainFactory.GetGrain<IVeDirectoryGrain>(0).UpdateAsync(Key, VeState.Pending);
        await GrainFactory.GetGrain<IConstraintDirectoryGrain>(0).SetAsync(Key, [.. S.Constraints]);
        await state.WriteStateAsync();
        await PlaceAndStartAsync();
        return View();
    }

    public async Task<VeView> StartAsync()
    {
        if (!Decide(VeOperation.Start)) return View();
        using var _ = Operation("start");
        S.Crashes.Clear();
        foreach (var vm in S.Vms.ToList())
        {
            if (vm.Host is not { } host || vm.State == VmState.Running) continue;
            await StartOrUnplaceAsync(vm, host, "started", restoring: false); // no room left there: placed again, same constraints
        }
        await PlaceAndStartAsync();
        return View();
    }

    public async Task<VeView> StopAsync()
    {
        if (!Decide(VeOperation.Stop)) return View();
        using var _ = Operation("stop");
        StopRetry();
        foreach (var vm in S.Vms.ToList())
        {
            if (vm.Host is not { } host) continue;
            if (vm.State is VmState.Running or VmState.Suspended)
            {
                await Node(host).StopVmAsync(vm.Id);
                Update(vm, vm with { State = VmState.Stopped }, host, "stopped");
            }
        }
        await SetStateAsync(VeState.Stopped, null, "stopped by the user");
        await GrainFactory.GetGrain<IVeDirectoryGrain>(0).RoomAppearedAsync($"VE {Key} stopped");
        return View();
    }

    public async Task<VeView> SuspendAsync()
    {
        if (!Decide(VeOperation.Suspend)) return View();
        using var _ = Operation("suspend");
        foreach (var vm in S.Vms.Where(v => v.State == VmState.Running && v.Host is not null).ToList())
        {
            await Node(vm.Host!).SuspendVmAsync(vm.Id);
            Update(vm, vm with { State = VmState.Suspended }, vm.Host, "suspended");
        }
        await SetStateAsync(VeState.Suspended, null, "suspended by the user");
        return View();
    }

    public async Task<VeView> ResumeAsync()
    {
        if (!Decide(VeOperation.Resume)) return View();
        using var _ = Operation("resume");
        foreach (var vm in S.Vms.Where(v => v.State == VmState.Suspended && v.Host is not null).ToList())
        {
            await Node(vm.Host!).ResumeVmAsync(vm.Id);
            Update(vm, vm with { State = VmState.Running }, vm.Host, "resumed");
        }
        await PlaceAndStartAsync(); // VMs lost with a node meanwhile are placed again; the VE ends Running or Pending
        return View();
    }

    public async Task<VeView> DeleteAsync()
    {
        if (!Decide(VeOperation.Delete)) return View();
        using var _ = Operation("delete");
        StopRetry();
        foreach (var vm in S.Vms.ToList())
        {
            if (vm.Host is { } host) await Node(host).RemoveVmAsync(vm.Id);
            await GrainFactory.GetGrain<IVmGrain>(vm.Id).ForgetAsync();
            Update(vm, vm with { State = VmState.Stopped, Host = null }, vm.Host, "deleted");
        }
        await GrainFactory.GetGrain<IConstraintDirectoryGrain>(0).RemoveAsync(Key);
        await SetStateAsync(VeState.Deleted, null, "deleted by the user");
        await GrainFactory.GetGrain<IVeDirectoryGrain>(0).RoomAppearedAsync($"VE {Key} deleted");
        return View();
    }

    public async Task VmFailedAsync(string vmId, VmState observed, string node)
    {
        if (S.State is not (VeState.Running or VeState.Pending) || S.Vms.Find(v => v.Id == vmId) is not { State: VmState.Running } vm || vm.Host != node) return;
        Update(vm, vm with { State = VmState.Crashed, Reason = $"seen {observed} on {node}" }, node, $"the hypervisor reported it {observed}");
        if (!S.Crashes.TryGetValue(vmId, out var crashes)) S.Crashes[vmId] = crashes = [];
        var (fail, backoff) = CrashLoopGuard.OnCrash(crashes, clock.Now);
        if (fail)
        {
            await SetStateAsync(VeState.Failed,
                $"{vm.Name} crashed {crashes.Count} times within {CrashLoopGuard.Window.TotalMinutes:0} min (last on {node}); start the VE to try again",
                "crash loop");
            return;
        }
        await state.WriteStateAsync();
        this.RegisterGrainTimer(RestartAsync, vmId, new GrainTimerCreationOptions { DueTime = backoff, Period = Timeout.InfiniteTimeSpan });
    }

    private async Task RestartAsync(string vmId, CancellationToken cancellationToken)
    {
        if (S.State is not (VeState.Running or VeState.Pending) || S.Vms.Find(v => v.Id == vmId) is not { State: VmState.Crashed, Host: { } host } vm) return;
        using var _ = Operation("restart");
        if (await StartOrUnplaceAsync(vm, host, "restarted after a crash", restoring: true)) await state.WriteStateAsync();
        else await PlaceAndStartAsync();
    }

    public async Task NodeDownAsync(string node)
    {
        if (S.Spec is null || S.State == VeState.Deleted || S.Vms.All(v => v.Host != node)) return;
        // The node grain is the authority: if the node is back by now, its copies are this VE's VMs still.
        if (!(await Node(node).GetStatusAsync()).Down) return;
        using var _ = Operation("recover");
        foreach (var vm in S.Vms.Where(v => v.Host == node).ToList())
        {
            Lost(vm, $"node {node} down", $"node {node} is down: placed again");
            await PlacedAsync(vm, null);
        }
        await state.WriteStateAsync(); // a stopped or suspended VE places them when started or resumed
        if (S.State is VeState.Running or VeState.Pending) await PlaceAndStartAsync();
    }

    public async Task CopyFoundAsync(string vmId, string node, VmState observed)
    {
        var vm = S.Vms.Find(v => v.Id == vmId);
        var action = ReturnedCopy.Decide(S.Spec is null ? null : S.State, vm, node);
        switch (action)
        {
            case CopyAction.Ignore:
                logger.LogWarning("VE {Ve}: node {Node} is back with VM {Vm} ({State}), which is not one of the VE's VMs; left alone", Key, node, vmId, observed);
                return;
            case CopyAction.Keep when S.State is VeState.Running or VeState.Pending && observed is VmState.Stopped or VmState.Crashed:
                // Its host rebooted meanwhile: the VM is started again there, or placed again.
                using (Operation("restart copy"))
                {
                    Update(vm!, vm! with { State = observed }, node, $"found {observed} on {node}, back after being down");
                    if (!await StartOrUnplaceAsync(S.Vms.Find(v => v.Id == vmId)!, node, "started", restoring: true)) await PlaceAndStartAsync();
                    else await state.WriteStateAsync();
                }
                return;
            case CopyAction.Keep:
                return;
            case CopyAction.Destroy:
                using (Operation("remove copy"))
                {
                    await Node(node).RemoveVmAsync(vmId);
                    var why = vm?.Host is { } host ? $"the VM runs on {host} now" : $"the VE is {S.State}";
                    Record(vm?.Name ?? vmId, observed.ToString(), "Removed", node, $"stale copy on {node}, back after being down, destroyed: {why}");
                    await state.WriteStateAsync();
                }
                return;
            case CopyAction.Adopt:
                using (Operation("adopt copy"))
                {
                    await PlacedAsync(vm!, node);
                    Update(vm!, vm! with { Host = node, State = observed, Reason = null, Restoring = false }, node, $"found {observed} on {node}, back after being down: kept");
                    if (observed != VmState.Running) await StartOrUnplaceAsync(S.Vms.Find(v => v.Id == vmId)!, node, "started", restoring: true);
                    await PlaceAndStartAsync();
                }
                return;
        }
    }

    public async Task VmMovedAsync(string vmId, string from, string host)
    {
        if (S.Vms.Find(v => v.Id == vmId) is not { } vm || vm.Host == host) return;
        if (vm.Host != from)
        {
            // A stale copy (its node came back) moved before this VE ruled on it: ruled on where it landed.
            await CopyFoundAsync(vmId, host, VmState.Running);
            return;
        }
        Update(vm, vm with { Host = host }, host, "migrated by a scheduler");
        await state.WriteStateAsync();
    }

    public async Task RetryPlacementAsync()
    {
        if (S.State != VeState.Pending) return;
        using var _ = Operation("place");
        await PlaceAndStartAsync();
    }

    /// <summary>Places every VM without a node and starts it; the VE ends Running, or Pending with the reason.</summary>
    private async Task PlaceAndStartAsync()
    {
        try
        {
            await TryPlaceAndStartAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A directory or the solver did not answer: nothing is lost, the retry tries again.
            logger.LogWarning(e, "VE {Ve}: placement failed", Key);
            await SetStateAsync(VeState.Pending, $"placement failed: {e.Message}", "placement failed");
            ArmRetry();
        }
    }

    private async Task TryPlaceAndStartAsync()
    {
        var toPlace = S.Vms.Where(v => v.Host is null).ToList();
        if (toPlace.Count > 0)
        {
            // The directory is in memory: a stopped VE's constraints may have gone with a silo since it last ran.
            var constraintDirectory = GrainFactory.GetGrain<IConstraintDirectoryGrain>(0);
            await constraintDirectory.SetAsync(Key, [.. S.Constraints]);
            var constraints = (await constraintDirectory.RestrictingOthersAsync(Key)).AddRange(S.Constraints);
            var (problem, result) = await SolveAsync(toPlace, constraints);
            var violations = result.IsSolved ? PlacementChecker.CheckPlan(problem, result.Target, result.Plan) : [];
            if (!result.IsSolved || violations.Count > 0)
            {
                var why = result.IsSolved ? "the placement found breaks: " + string.Join("; ", violations) : Unplaceable(problem, result);
                await SetStateAsync(VeState.Pending, why, "no room");
                ArmRetry();
                return;
            }
            await Task.WhenAll(toPlace.Select(vm => LaunchAsync(vm, result.Target[vm.Id])));
        }
        var missing = S.Vms.Where(v => v.State != VmState.Running).ToList();
        if (missing.Count == 0)
        {
            StopRetry();
            await SetStateAsync(VeState.Running, null, "every VM runs");
        }
        else
        {
            await SetStateAsync(VeState.Pending, string.Join("; ", missing.Select(v => $"{v.Name}: {v.Reason ?? "not started"}")), "not every VM runs");
            ArmRetry();
        }
    }

    /// <summary>First placement round: this many nodes allowed by the VE's constraints, sampled, besides the VE's own.</summary>
    public const int FirstSample = 64;

    /// <summary>
    /// Solves on a sample of the nodes the constraints allow (plus the nodes running the VE's VMs),
    /// four times larger at each failed round, every allowed node at the last: a VE looks at a few
    /// dozen nodes, not at the whole cluster, unless it must. The last round's problem explains a failure.
    /// </summary>
    private async Task<(PlacementProblem, PlacementResult)> SolveAsync(List<VeVm> toPlace, ImmutableArray<PlacementConstraint> constraints)
    {
        var all = (await GrainFactory.GetGrain<INodeDirectoryGrain>(0).NodesAsync()).ToList();
        var allowed = CandidateNodes.Allowed(all, [.. toPlace.Select(v => v.Id)], constraints);
        var own = S.Vms.Select(v => v.Host).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var random = new Random(StableHash(Key) + _placements++); // reproducible runs, a fresh sample at each try
        var shuffled = allowed.OrderBy(_ => random.Next()).ToList();
        for (var size = FirstSample; ; size *= 4)
        {
            var last = size >= shuffled.Count;
            var sample = own.Concat(shuffled.Take(size)).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var nodes = await SnapshotNodesAsync(sample.Order(StringComparer.Ordinal));
            var problem = VePlacement.Build(nodes, toPlace.Select(v => v.Spec), constraints);
            var result = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(problem, SolverOptions.Default, SolverKind.CpSat);
            if (result.IsSolved) return (problem, result);
            if (!last) continue;
            if (toPlace.Any(v => v.Restoring))
            {
                // VMs that were running come back before new ones are admitted: at their declared demand, not their full vCPUs.
                var relaxed = VePlacement.Build(nodes, toPlace.Select(v => v.Spec), constraints, restoring: toPlace.Where(v => v.Restoring).Select(v => v.Id).ToHashSet());
                var second = await GrainFactory.GetGrain<ISolverGrain>(0).SolveAsync(relaxed, SolverOptions.Default, SolverKind.CpSat);
                if (second.IsSolved) return (relaxed, second);
            }
            // Explained over every node: those the constraints exclude count too (empty here: excluded all the same).
            var capacities = await GrainFactory.GetGrain<INodeDirectoryGrain>(0).CapacitiesAsync();
            var excluded = all.Where(n => !sample.Contains(n) && capacities.ContainsKey(n))
                .Select(n => new NodeSnapshot(n, "", capacities[n], [], false, clock.Now));
            return (VePlacement.Build([.. nodes, .. excluded], toPlace.Select(v => v.Spec), constraints), result);
        }
    }

    private static int StableHash(string text)
    {
        var hash = 2166136261u; // FNV-1a: string.GetHashCode differs from one process to the next
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }

    private async Task LaunchAsync(VeVm vm, string node)
    {
        await PlacedAsync(vm, node);
        try
        {
            await Node(node).LaunchAsync(vm.Spec);
            Update(vm, vm with { State = VmState.Running, Host = node, Reason = null, Restoring = false }, node, "placed and started");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Someone took the room meanwhile, or the node did not answer: it stays without a node and is
            // placed again later. A launch that timed out may have started all the same: remove it there.
            if (e is not HypervisorException) await RemoveAsync(vm, node, $"start on {node} failed: {e.Message}", vm.Restoring); // forgets the node too
            else
            {
                Update(vm, vm with { Reason = $"start on {node} failed: {e.Message}" }, node, "start failed");
                await PlacedAsync(vm, null);
            }
        }
    }

    private string Unplaceable(PlacementProblem problem, PlacementResult result) =>
        UnplaceableReason.Explain(problem) is { Count: > 0 } reasons ? string.Join("; ", reasons) : result.Detail ?? result.Status.ToString();

    /// <summary>The VM is gone with its node (or from every hypervisor): no node, placed again; one that ran is restored first.</summary>
    private void Lost(VeVm vm, string reason, string why) =>
        Update(vm, vm with { State = VmState.Stopped, Host = null, Reason = reason, Restoring = vm.State == VmState.Running }, vm.Host, why);

    /// <summary>Starts <paramref name="vm"/> on <paramref name="host"/>; when the node refuses, removes it there so that it is placed again. True when it runs.</summary>
    private async Task<bool> StartOrUnplaceAsync(VeVm vm, string host, string started, bool restoring)
    {
        try
        {
            await Node(host).StartVmAsync(vm.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RemoveAsync(vm, host, $"cannot start on {host} ({e.Message}): placed again", restoring);
            return false;
        }
        Update(vm, vm with { State = VmState.Running, Host = host, Reason = null, Restoring = false }, host, started);
        return true;
    }

    /// <summary>
    /// Forgets where <paramref name="vm"/> was and removes it there, best effort: a node that cannot be
    /// reached now is marked down if it stays so, and its copy is destroyed when it comes back.
    /// </summary>
    private async Task RemoveAsync(VeVm vm, string host, string why, bool restoring = false)
    {
        try
        {
            await Node(host).RemoveVmAsync(vm.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("VE {Ve}: could not remove {Vm} from {Node} ({Message}); its copy goes when the node answers", Key, vm.Name, host, e.Message);
        }
        await PlacedAsync(vm, null);
        Update(vm, vm with { State = VmState.Stopped, Host = null, Reason = why, Restoring = restoring }, host, why);
    }

    private IReadOnlyList<ValidationProblem> Validate(VeSpec spec, IReadOnlyDictionary<string, Resources> capacities)
    {
        var problems = new List<ValidationProblem>();
        if (VeId.Parse(Key) is not { } key)
            problems.Add(new("id", $"'{Key}' is not tenant/name, each of lowercase letters, digits and '-' (at most 63)"));
        else if (!string.IsNullOrEmpty(spec.Id) && spec.Id != Key && spec.Id != key.Name)
            problems.Add(new("id", $"'{spec.Id}' does not match the VE it is submitted as ('{Key}')"));
        var vms = spec.Vms.IsDefault ? [] : spec.Vms;
        for (var i = 0; i < vms.Length; i++)
            if (!string.IsNullOrEmpty(vms[i].Id) && !VeId.IsValidVmName(vms[i].Id))
                problems.Add(new($"vms[{i}].id", $"'{vms[i].Id}' must be letters, digits and '-' (at most 63), starting with a letter or digit"));
        problems.AddRange(VeSpecValidator.Validate(spec with { Id = string.IsNullOrEmpty(spec.Id) ? Key : spec.Id }, capacities));
        return problems;
    }

    private async Task<IReadOnlyList<NodeSnapshot>> SnapshotNodesAsync(IEnumerable<string>? only = null)
    {
        var names = only?.ToList() ?? [.. await GrainFactory.GetGrain<INodeDirectoryGrain>(0).NodesAsync()];
        var snapshots = new List<NodeSnapshot>(names.Count);
        foreach (var chunk in names.Chunk(256))
            snapshots.AddRange((await Task.WhenAll(chunk.Select(async n =>
            {
                try { return await Node(n).GetSnapshotAsync(); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("VE {Ve}: node {Node} did not answer ({Message}); not a candidate", Key, n, e.Message);
                    return null;
                }
            }))).OfType<NodeSnapshot>());
        return snapshots;
    }

    private bool Decide(VeOperation operation)
    {
        if (S.Spec is null) throw new VeRefusedException($"VE {Key} does not exist: submit it first", VeRefusal.NotFound);
        var decision = VeLifecycle.Decide(S.State, operation);
        if (decision.Refusal is { } why) throw new VeRefusedException($"{operation} {Key}: {why}");
        return decision.Go;
    }

    private Task PlacedAsync(VeVm vm, string? host) => GrainFactory.GetGrain<IVmGrain>(vm.Id).PlacedAsync(host);

    private INodeGrain Node(string node) => GrainFactory.GetGrain<INodeGrain>(node);

    private void Update(VeVm before, VeVm after, string? node, string reason)
    {
        var i = S.Vms.FindIndex(v => v.Id == before.Id);
        if (i >= 0) S.Vms[i] = after;
        if (before.State != after.State || before.Host != after.Host)
            Record(before.Name, before.State.ToString(), after.State.ToString(), node, reason);
    }

    private async Task SetStateAsync(VeState to, string? reason, string why)
    {
        var from = S.State;
        S.State = to;
        S.Reason = reason;
        if (from != to) Record(null, from.ToString(), to.ToString(), null, reason ?? why);
        await state.WriteStateAsync();
        if (from != to) await GrainFactory.GetGrain<IVeDirectoryGrain>(0).UpdateAsync(Key, to);
    }

    private void Record(string? vm, string from, string to, string? node, string reason)
    {
        var transition = new VeTransition(Key, vm, from, to, node, reason, clock.Now);
        S.Transitions.Add(transition);
        if (S.Transitions.Count > History) S.Transitions.RemoveRange(0, S.Transitions.Count - History);
        logger.LogInformation("VE {Ve}: {Vm} {From} -> {To} {Node} ({Reason})", Key, vm ?? "(VE)", from, to, node ?? "", reason);
        _ = GrainFactory.GetGrain<IEventHubGrain>(0).PublishAsync(transition);
    }

    private VeView View() => new(Key, S.State, [.. S.Vms], [.. S.Constraints], S.Reason, _operation, [.. S.Transitions]);

    private void ArmRetry() => _retry ??= this.RegisterGrainTimer(_ => RetryPlacementAsync(),
        new GrainTimerCreationOptions { DueTime = PendingRetry, Period = PendingRetry, KeepAlive = true });

    private void StopRetry()
    {
        _retry?.Dispose();
        _retry = null;
    }

    private OperationScope Operation(string name) => new(this, name);

    /// <summary>Shows the operation under way in <see cref="GetAsync"/> until disposed.</summary>
    private readonly struct OperationScope : IDisposable
    {
        private readonly VeGrain _grain;

        public OperationScope(VeGrain grain, string name)
        {
            _grain = grain;
            grain._operation = name;
        }

        public void Dispose() => _grain._operation = null;
    }
}
