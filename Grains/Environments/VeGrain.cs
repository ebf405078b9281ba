using Discovery.Grains;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Security;
using Discovery.Time;
using Discovery.Validation;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>
/// A virtual environment (the seed's VET): persisted spec, state and VMs, kept by <see cref="VeRecord"/>
/// (which decides every transition); this grain carries out each step through the node grains, writes
/// the state and publishes the transitions. VMs without a node are placed by <see cref="VePlacer"/> and launched
/// through <see cref="VeNodeCalls"/>;
/// crashed VMs restart under <see cref="CrashLoopGuard"/>. Not reentrant: operations on one VE
/// queue behind each other, and <see cref="GetAsync"/> (interleaved) shows the one under way.
/// </summary>
public sealed class VeGrain(
    [PersistentState("ve", VeGrain.StorageName)] IPersistentState<VeGrainState> state,
    InfrastructureClock clock,
    Scheduling.DvmsOptions options,
    ImageCatalog images,
    ILogger<VeGrain> logger) : Grain, IVeGrain
{
    /// <summary>The grain storage provider VE grains persist in (memory or ADO.NET, by silo configuration).</summary>
    public const string StorageName = "discovery";

    private string? _operation;
    private IGrainTimer? _retry;
    private VeRecord? _ve;
    private VePlacer? _placer;
    private VeNodeCalls? _calls;
    private PendingBackoff? _backoff;

    private string Key => this.GetPrimaryKeyString();
    private ITenantGrain Tenant => GrainFactory.GetGrain<ITenantGrain>(VeId.Parse(Key)?.Tenant ?? Key);
    private VeRecord Ve => _ve ??= new(Key, state.State, clock.Time);
    private VePlacer Placer => _placer ??= new(Key, GrainFactory, clock, options.Admission, options.FanOutWidth, logger);
    private VeNodeCalls Calls => _calls ??= new(Ve, GrainFactory, logger, Publish);
    private PendingBackoff Backoff => _backoff ??= new(options.PendingRetry, new Random(VePlacer.StableHash(Key) ^ options.PendingRetry.Seed));

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Reactivated (after a deactivation or on another silo after a silo died): what the
        // hypervisors run may have changed meanwhile. Reconcile first, off the activation path.
        if (Ve.WantsRunning)
            this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>Desired against actual, decided by <see cref="VeReconciliation"/>, carried out in order.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!Ve.WantsRunning) return; // a Stop or Delete ran first
        using var _ = Operation("reconcile");
        await GrainFactory.ConstraintDirectory().SetAsync(Key, [.. Ve.Constraints]); // the directory may have lost them
        await GrainFactory.VeDirectory().UpdateAsync(Key, Ve.State);
        var nodes = await Placer.SnapshotNodesAsync();
        var down = (await GrainFactory.NodeDirectory().DownAsync()).ToHashSet(StringComparer.Ordinal);
        foreach (var action in VeReconciliation.Decide(Key, Ve.Vms, nodes, down))
        {
            switch (action)
            {
                case RemoveCopy copy:
                    await Node(copy.Node).RemoveVmAsync(copy.VmId);
                    Publish(Ve.CopyRemoved(copy.VmId, copy.Node, copy.Observed));
                    break;
                case LoseVm lost:
                    Publish(Ve.Lost(lost.VmId, lost.Why + " when reconciling", lost.Why + ": placed again"));
                    break;
                case FollowVm follow:
                    if (follow.Moved) await Calls.PlacedAsync(follow.VmId, follow.Host);
                    Publish(Ve.Found(follow.VmId, follow.Host, follow.Observed));
                    if (follow.Start) await Calls.StartOrUnplaceAsync(follow.VmId, follow.Host, $"found {follow.Observed} when reconciling: started", restoring: true);
                    break;
                case ReportUnknown unknown:
                    logger.LogWarning("VE {Ve}: VM {Vm} runs on {Nodes} but is not one of the VE's VMs; left alone", Key, unknown.VmId, string.Join(", ", unknown.Nodes));
                    break;
            }
        }
        await PlaceAndStartAsync(); // snapshots again: the VMs just started hold resources now
    }

    public async Task<VeView> SubmitTextAsync(string text, string file)
    {
        var capacities = await GrainFactory.NodeDirectory().CapacitiesAsync();
        var name = VeId.Parse(Key)?.Name ?? Key;
        var compiled = Language.VeCompiler.Compile(text, file, name, capacities.Keys.ToHashSet(StringComparer.Ordinal));
        if (!compiled.Succeeded)
            throw new InvalidVeTextException([.. compiled.Errors.Select(e => new TextProblem(e.File, e.At.Line, e.At.Column, e.Message))]);
        return await SubmitAsync(compiled.Ve!, capacities);
    }

    public Task<VeView> GetAsync() => !Ve.Exists
        ? throw new VeRefusedException($"VE {Key} does not exist: submit it first", VeRefusal.NotFound)
        : Task.FromResult(View());

    public Task<VeView> SubmitAsync(VeSpec spec) => SubmitAsync(spec, null);

    /// <summary>
    /// The images this VE may boot: an operator's allow-list when the silo has one, else the catalogue's public images
    /// and the VE's tenant's own (any plain name while the catalogue holds none).
    /// </summary>
    private async Task<ImageCatalog> ImagesAsync()
    {
        if (images.HasAllowList) return images;
        var names = await GrainFactory.ImageCatalog().NamesAsync(VeId.Parse(Key)?.Tenant);
        return names.CatalogueEmpty ? ImageCatalog.Open : ImageCatalog.Of(names.Visible);
    }

    /// <summary>Submits <paramref name="spec"/>, validated against <paramref name="capacities"/> (read from the node directory when null).</summary>
    private async Task<VeView> SubmitAsync(VeSpec spec, IReadOnlyDictionary<string, Resources>? capacities)
    {
        Ve.EnsureSubmittable();
        using var _ = Operation("submit");
        var problems = VeRecord.Validate(Key, spec, capacities ?? await GrainFactory.NodeDirectory().CapacitiesAsync(), await ImagesAsync());
        if (problems.Count > 0) throw new InvalidSpecException(problems);
        var caller = CallerContext.Current;
        if (caller is { Role: Role.Tenant } && TenantConstraints.Refusal(spec) is { } forbidden) throw new AccessDeniedException(forbidden, AccessRefusal.Forbidden);
        if (await Tenant.ClaimAsync(Key, TenantUsage.Of(spec)) is { } overQuota) throw new AccessDeniedException(overQuota, AccessRefusal.QuotaExceeded);
        state.State.Owner = caller?.Subject;
        Publish(Ve.Submit(spec));
        await GrainFactory.VeDirectory().UpdateAsync(Key, VeState.Pending);
        await GrainFactory.ConstraintDirectory().SetAsync(Key, [.. Ve.Constraints]);
        await state.WriteStateAsync();
        await PlaceAndStartAsync();
        return View();
    }

    public async Task<VeView> StartAsync()
    {
        if (Ve.Start() is not { } toStart) return View();
        using var _ = Operation("start");
        foreach (var vm in toStart)
            await Calls.StartOrUnplaceAsync(vm.Id, vm.Host!, "started", restoring: false); // no room left there: placed again, same constraints
        await PlaceAndStartAsync();
        return View();
    }

    public async Task<VeView> StopAsync()
    {
        if (Ve.Stop() is not { } toStop) return View();
        using var _ = Operation("stop");
        StopRetry();
        foreach (var vm in toStop)
        {
            await Node(vm.Host!).StopVmAsync(vm.Id);
            Publish(Ve.VmStopped(vm.Id));
        }
        await ConcludeAsync(Ve.Stopped());
        await GrainFactory.VeDirectory().RoomAppearedAsync($"VE {Key} stopped");
        return View();
    }

    public async Task<VeView> SuspendAsync()
    {
        if (Ve.Suspend() is not { } toSuspend) return View();
        using var _ = Operation("suspend");
        foreach (var vm in toSuspend)
        {
            await Node(vm.Host!).SuspendVmAsync(vm.Id);
            Publish(Ve.VmSuspended(vm.Id));
        }
        await ConcludeAsync(Ve.Suspended());
        return View();
    }

    public async Task<VeView> ResumeAsync()
    {
        if (Ve.Resume() is not { } toResume) return View();
        using var _ = Operation("resume");
        foreach (var vm in toResume)
        {
            await Node(vm.Host!).ResumeVmAsync(vm.Id);
            Publish(Ve.VmResumed(vm.Id));
        }
        await PlaceAndStartAsync(); // VMs lost with a node meanwhile are placed again; the VE ends Running or Pending
        return View();
    }

    public async Task<VeView> DeleteAsync()
    {
        if (Ve.Delete() is not { } toDelete) return View();
        using var _ = Operation("delete");
        StopRetry();
        foreach (var vm in toDelete)
        {
            if (vm.Host is { } host) await Node(host).RemoveVmAsync(vm.Id);
            await GrainFactory.GetGrain<IVmGrain>(vm.Id).ForgetAsync();
            Publish(Ve.VmDeleted(vm.Id));
        }
        await GrainFactory.ConstraintDirectory().RemoveAsync(Key);
        await ConcludeAsync(Ve.Deleted());
        await Tenant.ReleaseAsync(Key);
        await GrainFactory.VeDirectory().RoomAppearedAsync($"VE {Key} deleted");
        return View();
    }

    public async Task VmFailedAsync(string vmId, VmState observed, string node)
    {
        var crash = Ve.Crashed(vmId, observed, node);
        switch (crash.Verdict)
        {
            case CrashVerdict.Ignored:
                return;
            case CrashVerdict.Failed:
                await ConcludeAsync(crash.Transitions);
                return;
            case CrashVerdict.Restart:
                Publish(crash.Transitions);
                await state.WriteStateAsync();
                this.RegisterGrainTimer(RestartAsync, vmId, new GrainTimerCreationOptions { DueTime = crash.Backoff, Period = Timeout.InfiniteTimeSpan });
                return;
        }
    }

    private async Task RestartAsync(string vmId, CancellationToken cancellationToken)
    {
        if (Ve.ToRestart(vmId) is not { Host: { } host }) return;
        using var _ = Operation("restart");
        if (await Calls.StartOrUnplaceAsync(vmId, host, "restarted after a crash", restoring: true)) await state.WriteStateAsync();
        else await PlaceAndStartAsync();
    }

    public async Task NodeDownAsync(string node)
    {
        if (Ve.VmsOn(node).Count == 0) return;
        // The node grain is the authority: if the node is back by now, its copies are this VE's VMs still.
        if (!(await Node(node).GetStatusAsync()).Down) return;
        using var _ = Operation("recover");
        foreach (var vm in Ve.VmsOn(node))
        {
            Publish(Ve.NodeDown(vm.Id, node));
            await Calls.PlacedAsync(vm.Id, null);
        }
        await state.WriteStateAsync(); // a stopped or suspended VE places them when started or resumed
        if (Ve.WantsRunning) await PlaceAndStartAsync();
    }

    public async Task CopyFoundAsync(string vmId, string node, VmState observed)
    {
        switch (Ve.CopyReturned(vmId, node, observed))
        {
            case CopyAction.Ignore:
                logger.LogWarning("VE {Ve}: node {Node} is back with VM {Vm} ({State}), which is not one of the VE's VMs; left alone", Key, node, vmId, observed);
                return;
            case CopyAction.Keep:
                return;
            case CopyAction.Restart:
                // Its host rebooted meanwhile: the VM is started again there, or placed again.
                using (Operation("restart copy"))
                {
                    Publish(Ve.CopyStopped(vmId, node, observed));
                    if (!await Calls.StartOrUnplaceAsync(vmId, node, "started", restoring: true)) await PlaceAndStartAsync();
                    else await state.WriteStateAsync();
                }
                return;
            case CopyAction.Destroy:
                using (Operation("remove copy"))
                {
                    await Node(node).RemoveVmAsync(vmId);
                    Publish(Ve.CopyDestroyed(vmId, node, observed));
                    await state.WriteStateAsync();
                }
                return;
            case CopyAction.Adopt:
                using (Operation("adopt copy"))
                {
                    await Calls.PlacedAsync(vmId, node);
                    Publish(Ve.CopyAdopted(vmId, node, observed));
                    if (observed != VmState.Running) await Calls.StartOrUnplaceAsync(vmId, node, "started", restoring: true);
                    await PlaceAndStartAsync();
                }
                return;
        }
    }

    public async Task VmMovedAsync(string vmId, string from, string host)
    {
        if (Ve.MovedFromElsewhere(vmId, from, host))
        {
            // A stale copy (its node came back) moved before this VE ruled on it: ruled on where it landed.
            await CopyFoundAsync(vmId, host, VmState.Running);
            return;
        }
        var moved = Ve.Migrated(vmId, from, host);
        if (moved.Count == 0) return;
        Publish(moved);
        await state.WriteStateAsync();
    }

    /// <summary>Room appeared (a VE stopped or deleted, a node back): a Pending VE tries at once and its backoff starts over.</summary>
    public async Task RetryPlacementAsync()
    {
        if (!Ve.Exists || Ve.State != VeState.Pending) return;
        StopRetry();
        using var _ = Operation("place");
        await PlaceAndStartAsync();
    }

    /// <summary>The backoff's own try: the next wait is longer (<see cref="PendingBackoff"/>), armed again if still Pending.</summary>
    private async Task RetryOnItsOwnAsync(CancellationToken cancellationToken)
    {
        _retry?.Dispose();
        _retry = null;
        if (!Ve.Exists || Ve.State != VeState.Pending) return;
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
            await ConcludeAsync(Ve.PlacementFailed(e.Message));
            ArmRetry();
        }
    }

    private async Task TryPlaceAndStartAsync()
    {
        var toPlace = Ve.Vms.Where(v => v.Host is null).ToList();
        if (toPlace.Count > 0)
        {
            var plan = await Placer.PlanAsync(toPlace, Ve.Vms, Ve.Constraints);
            if (plan.Target is not { } target)
            {
                await ConcludeAsync(Ve.NoRoom(plan.Unplaceable!));
                ArmRetry();
                return;
            }
            await Task.WhenAll(toPlace.Select(vm => Calls.LaunchAsync(vm, target[vm.Id])));
        }
        var settled = Ve.Settle();
        if (Ve.State == VeState.Running) StopRetry();
        await ConcludeAsync(settled);
        if (Ve.State == VeState.Pending) ArmRetry();
    }

    private INodeGrain Node(string node) => GrainFactory.GetGrain<INodeGrain>(node);

    /// <summary>Publishes a step that may change the VE's state, writes it, and tells the VE directory when the state changed.</summary>
    private async Task ConcludeAsync(IReadOnlyList<VeTransition> transitions)
    {
        Publish(transitions);
        await state.WriteStateAsync();
        if (transitions.Any(t => t.Vm is null)) await GrainFactory.VeDirectory().UpdateAsync(Key, Ve.State);
    }

    private void Publish(IReadOnlyList<VeTransition> transitions)
    {
        foreach (var t in transitions)
        {
            logger.LogInformation("VE {Ve}: {Vm} {From} -> {To} {Node} ({Reason})", Key, t.Vm ?? "(VE)", t.From, t.To, t.Node ?? "", t.Reason);
            _ = GrainFactory.EventHub().PublishAsync(t);
        }
    }

    private VeView View() => new(Key, Ve.State, [.. Ve.Vms], [.. Ve.Constraints], Ve.Reason, _operation, [.. Ve.Transitions]);

    /// <summary>Arms the next try of a Pending VE, after the backoff's next wait (one at a time).</summary>
    private void ArmRetry() => _retry ??= this.RegisterGrainTimer(RetryOnItsOwnAsync,
        new GrainTimerCreationOptions { DueTime = Backoff.Next(), Period = Timeout.InfiniteTimeSpan, KeepAlive = true });

    /// <summary>No try armed, and the next Pending spell waits the first wait again.</summary>
    private void StopRetry()
    {
        _retry?.Dispose();
        _retry = null;
        _backoff?.Reset();
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
