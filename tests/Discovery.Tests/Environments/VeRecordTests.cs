using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Environments;

/// <summary>Every transition of the VE state machine, without a cluster: the state it leads to, what it refuses, what it publishes.</summary>
public sealed class VeRecordTests
{
    private const string Key = "alice/web";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);

    private static VmSpec Spec(string id) => new(id, 1, 512, "debian-12", 50);

    /// <summary>A VE loaded from its persisted state: <paramref name="ve"/>, VMs web1.. as given (name, state, host).</summary>
    private VeRecord Ve(VeState ve, params (string Name, VmState State, string? Host)[] vms) => Ve(ve, out _, vms);

    private VeRecord Ve(VeState ve, out VeGrainState state, params (string Name, VmState State, string? Host)[] vms)
    {
        state = new VeGrainState
        {
            Spec = new VeSpec("web", [.. vms.Select(v => Spec(v.Name))], []),
            State = ve,
            Vms = [.. vms.Select(v => new VeVm(v.Name, Spec($"alice.web.{v.Name}"), v.State, v.Host))],
        };
        return new VeRecord(Key, state, _time);
    }

    private static string Id(string vm) => $"alice.web.{vm}";

    /// <summary>A transition as "vm: from->to on node (reason)", vm "VE" for the VE itself.</summary>
    private static string[] Show(IEnumerable<VeTransition> transitions) =>
        [.. transitions.Select(t => $"{t.Vm ?? "VE"}: {t.From}->{t.To} on {t.Node ?? "-"} ({t.Reason})")];

    /// <summary>Runs <paramref name="step"/> on each VM, then <paramref name="conclude"/>, in that order, and returns what they published.</summary>
    private static List<VeTransition> Steps(IReadOnlyList<VeVm> vms, Func<string, IReadOnlyList<VeTransition>> step, Func<IReadOnlyList<VeTransition>> conclude)
    {
        var published = new List<VeTransition>();
        foreach (var vm in vms) published.AddRange(step(vm.Id));
        published.AddRange(conclude());
        return published;
    }

    private static string Vms(VeRecord ve) => string.Join(", ", ve.Vms.Select(v => $"{v.Name} {v.State} {v.Host ?? "-"}{(v.Restoring ? " restoring" : "")}"));

    // ---- submit ----

    [Fact]
    public void Submit_leads_a_new_ve_to_pending_with_qualified_vms_and_constraints_and_no_node()
    {
        var state = new VeGrainState();
        var ve = new VeRecord(Key, state, _time);

        var published = ve.Submit(new VeSpec("web", [Spec("web1"), Spec("web2")], [new Spread(["web1", "web2"])]));

        Assert.Equal(["VE: none->Pending on - (submitted)"], Show(published));
        Assert.Equal(T0, Assert.Single(published).At);
        Assert.Equal(VeState.Pending, ve.State);
        Assert.Equal("web1 Stopped -, web2 Stopped -", Vms(ve));
        Assert.Equal([Id("web1"), Id("web2")], ve.Vms.Select(v => v.Id));
        Assert.Equal([Id("web1"), Id("web2")], Assert.IsType<Spread>(Assert.Single(ve.Constraints)).Vms.AsEnumerable());
        Assert.Equal(published, ve.Transitions);
    }

    [Theory]
    [InlineData(VeState.Pending)]
    [InlineData(VeState.Running)]
    [InlineData(VeState.Stopped)]
    [InlineData(VeState.Suspended)]
    [InlineData(VeState.Failed)]
    public void Submit_refuses_a_live_ve(VeState live)
    {
        var ve = Ve(live, ("web1", VmState.Stopped, null));
        var refused = Assert.Throws<VeRefusedException>(() => ve.Submit(new VeSpec("web", [Spec("other")], [])));
        Assert.Equal($"VE alice/web already exists ({live}): delete it before submitting it again", refused.Message);
        Assert.Equal(VeRefusal.AlreadyExists, refused.Kind);
        Assert.Equal(live, ve.State);
        Assert.Equal("web1 Stopped -", Vms(ve));
    }

    [Fact]
    public void Submit_over_a_deleted_ve_starts_afresh_and_keeps_the_log()
    {
        var ve = Ve(VeState.Deleted, out var state, ("web1", VmState.Stopped, null));
        state.Reason = "old";
        state.Crashes[Id("web1")] = [T0];
        state.Transitions.Add(new VeTransition(Key, null, "Running", "Deleted", null, "deleted by the user", T0));

        ve.Submit(new VeSpec("web", [Spec("db1")], []));

        Assert.Equal(VeState.Pending, ve.State);
        Assert.Null(ve.Reason);
        Assert.Empty(state.Crashes);
        Assert.Equal("db1 Stopped -", Vms(ve));
        Assert.Equal(["VE: Running->Deleted on - (deleted by the user)", "VE: none->Pending on - (submitted)"], Show(ve.Transitions));
    }

    // ---- the user's operations ----

    public static TheoryData<VeState, VeOperation, string> Operations() => new()
    {
        { VeState.Pending, VeOperation.Start, "noop" },
        { VeState.Running, VeOperation.Start, "noop" },
        { VeState.Stopped, VeOperation.Start, "go" },
        { VeState.Suspended, VeOperation.Start, "Start alice/web: the VE is suspended: resume it" },
        { VeState.Failed, VeOperation.Start, "go" },
        { VeState.Deleted, VeOperation.Start, "Start alice/web: the VE was deleted: submit it again" },

        { VeState.Pending, VeOperation.Stop, "go" },
        { VeState.Running, VeOperation.Stop, "go" },
        { VeState.Stopped, VeOperation.Stop, "noop" },
        { VeState.Suspended, VeOperation.Stop, "go" },
        { VeState.Failed, VeOperation.Stop, "go" },
        { VeState.Deleted, VeOperation.Stop, "Stop alice/web: the VE was deleted: submit it again" },

        { VeState.Pending, VeOperation.Suspend, "Suspend alice/web: the VE is Pending: only a running VE can be suspended" },
        { VeState.Running, VeOperation.Suspend, "go" },
        { VeState.Stopped, VeOperation.Suspend, "Suspend alice/web: the VE is Stopped: only a running VE can be suspended" },
        { VeState.Suspended, VeOperation.Suspend, "noop" },
        { VeState.Failed, VeOperation.Suspend, "Suspend alice/web: the VE is Failed: only a running VE can be suspended" },
        { VeState.Deleted, VeOperation.Suspend, "Suspend alice/web: the VE was deleted: submit it again" },

        { VeState.Pending, VeOperation.Resume, "Resume alice/web: the VE is Pending: only a suspended VE can be resumed" },
        { VeState.Running, VeOperation.Resume, "noop" },
        { VeState.Stopped, VeOperation.Resume, "Resume alice/web: the VE is stopped: start it" },
        { VeState.Suspended, VeOperation.Resume, "go" },
        { VeState.Failed, VeOperation.Resume, "Resume alice/web: the VE is Failed: only a suspended VE can be resumed" },
        { VeState.Deleted, VeOperation.Resume, "Resume alice/web: the VE was deleted: submit it again" },

        { VeState.Pending, VeOperation.Delete, "go" },
        { VeState.Running, VeOperation.Delete, "go" },
        { VeState.Stopped, VeOperation.Delete, "go" },
        { VeState.Suspended, VeOperation.Delete, "go" },
        { VeState.Failed, VeOperation.Delete, "go" },
        { VeState.Deleted, VeOperation.Delete, "noop" },
    };

    [Theory, MemberData(nameof(Operations))]
    public void Each_operation_in_each_state_goes_ahead_does_nothing_or_is_refused_with_the_reason(VeState state, VeOperation operation, string expected)
    {
        var ve = Ve(state, ("web1", VmState.Stopped, "n1"));
        string actual;
        try { actual = ve.Accepts(operation) ? "go" : "noop"; }
        catch (VeRefusedException refused)
        {
            Assert.Equal(VeRefusal.InvalidState, refused.Kind);
            actual = refused.Message;
        }
        Assert.Equal(expected, actual);
        Assert.Equal(state, ve.State);
    }

    [Fact]
    public void Every_operation_on_a_ve_never_submitted_is_refused_as_not_found()
    {
        var ve = new VeRecord(Key, new VeGrainState(), _time);
        foreach (var operation in Enum.GetValues<VeOperation>())
        {
            var refused = Assert.Throws<VeRefusedException>(() => ve.Accepts(operation));
            Assert.Equal(("VE alice/web does not exist: submit it first", VeRefusal.NotFound), (refused.Message, refused.Kind));
        }
    }

    [Fact]
    public void Start_refuses_a_suspended_ve_and_changes_nothing()
    {
        var ve = Ve(VeState.Suspended, out var state, ("web1", VmState.Suspended, "n1"));
        state.Crashes[Id("web1")] = [T0];
        var refused = Assert.Throws<VeRefusedException>(() => ve.Start());
        Assert.Equal("Start alice/web: the VE is suspended: resume it", refused.Message);
        Assert.Equal((VeState.Suspended, 1), (ve.State, state.Crashes.Count));
    }

    [Fact]
    public void Start_of_a_failed_ve_forgets_its_crashes_and_lists_the_placed_vms_not_running()
    {
        var ve = Ve(VeState.Failed, out var state, ("web1", VmState.Crashed, "n1"), ("web2", VmState.Running, "n2"), ("web3", VmState.Stopped, null), ("web4", VmState.Stopped, "n3"));
        state.Crashes[Id("web1")] = [T0, T0];

        Assert.Equal(["web1", "web4"], ve.Start()!.Select(v => v.Name));
        Assert.Empty(state.Crashes);
        Assert.Equal(VeState.Failed, ve.State); // Running or Pending once placed and started: see Settle
        Assert.Empty(ve.Transitions);
    }

    [Fact]
    public void Start_of_a_running_ve_does_nothing()
    {
        var ve = Ve(VeState.Running, out var state, ("web1", VmState.Stopped, "n1"));
        state.Crashes[Id("web1")] = [T0];
        Assert.Null(ve.Start());
        Assert.Single(state.Crashes);
    }

    [Fact]
    public void Stop_stops_the_running_and_suspended_vms_then_the_ve_is_stopped()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Suspended, "n2"), ("web3", VmState.Stopped, "n3"), ("web4", VmState.Stopped, null));

        var toStop = ve.Stop()!;
        Assert.Equal(["web1", "web2"], toStop.Select(v => v.Name));
        var published = Steps(toStop, ve.VmStopped, ve.Stopped);

        Assert.Equal(["web1: Running->Stopped on n1 (stopped)", "web2: Suspended->Stopped on n2 (stopped)", "VE: Running->Stopped on - (stopped by the user)"], Show(published));
        Assert.Equal((VeState.Stopped, (string?)null), (ve.State, ve.Reason));
        Assert.Equal("web1 Stopped n1, web2 Stopped n2, web3 Stopped n3, web4 Stopped -", Vms(ve));
    }

    [Fact]
    public void Stop_of_a_stopped_ve_does_nothing()
    {
        var ve = Ve(VeState.Stopped, ("web1", VmState.Stopped, "n1"));
        Assert.Null(ve.Stop());
        Assert.Empty(ve.Stopped());
        Assert.Empty(ve.Transitions);
    }

    [Fact]
    public void Stopping_a_failed_ve_clears_its_reason()
    {
        var ve = Ve(VeState.Failed, out var state, ("web1", VmState.Crashed, "n1"));
        state.Reason = "web1 crashed 3 times";
        Assert.Equal([], ve.Stop()!.Select(v => v.Name));
        Assert.Equal(["VE: Failed->Stopped on - (stopped by the user)"], Show(ve.Stopped()));
        Assert.Null(ve.Reason);
    }

    [Fact]
    public void Suspend_suspends_the_running_vms_then_the_ve_is_suspended()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Running, "n2"));
        var published = Steps(ve.Suspend()!, ve.VmSuspended, ve.Suspended);
        Assert.Equal(["web1: Running->Suspended on n1 (suspended)", "web2: Running->Suspended on n2 (suspended)", "VE: Running->Suspended on - (suspended by the user)"], Show(published));
        Assert.Equal(VeState.Suspended, ve.State);
    }

    [Fact]
    public void Suspended_is_refused_unless_running()
    {
        var ve = Ve(VeState.Pending, ("web1", VmState.Running, "n1"));
        Assert.Equal("Suspend alice/web: the VE is Pending: only a running VE can be suspended", Assert.Throws<VeRefusedException>(() => ve.Suspended()).Message);
        Assert.Equal(VeState.Pending, ve.State);
    }

    [Fact]
    public void Resume_resumes_the_suspended_vms_then_the_ve_settles_running()
    {
        var ve = Ve(VeState.Suspended, ("web1", VmState.Suspended, "n1"), ("web2", VmState.Suspended, "n2"));
        var published = Steps(ve.Resume()!, ve.VmResumed, ve.Settle);
        Assert.Equal(["web1: Suspended->Running on n1 (resumed)", "web2: Suspended->Running on n2 (resumed)", "VE: Suspended->Running on - (every VM runs)"], Show(published));
        Assert.Equal(VeState.Running, ve.State);
    }

    [Fact]
    public void Resume_of_a_stopped_ve_is_refused()
    {
        var ve = Ve(VeState.Stopped, ("web1", VmState.Stopped, "n1"));
        Assert.Equal("Resume alice/web: the VE is stopped: start it", Assert.Throws<VeRefusedException>(() => ve.Resume()).Message);
    }

    [Fact]
    public void Delete_forgets_every_vm_then_the_ve_is_deleted()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Stopped, null));
        var published = Steps(ve.Delete()!, ve.VmDeleted, ve.Deleted);
        Assert.Equal(["web1: Running->Stopped on n1 (deleted)", "VE: Running->Deleted on - (deleted by the user)"], Show(published));
        Assert.Equal(VeState.Deleted, ve.State);
        Assert.Equal("web1 Stopped -, web2 Stopped -", Vms(ve));
        Assert.Null(ve.Delete());
        Assert.Empty(ve.VmsOn("n1"));
    }

    // ---- placement's outcome ----

    [Fact]
    public void Settle_leads_to_running_when_every_vm_runs()
    {
        var ve = Ve(VeState.Pending, out var state, ("web1", VmState.Running, "n1"));
        state.Reason = "web1: not started";
        Assert.Equal(["VE: Pending->Running on - (every VM runs)"], Show(ve.Settle()));
        Assert.Equal((VeState.Running, (string?)null), (ve.State, ve.Reason));
    }

    [Fact]
    public void Settle_leads_to_pending_with_what_each_missing_vm_waits_for()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Stopped, null), ("web3", VmState.Crashed, "n2"));
        ve.StartFailed(Id("web2"), "n3", "start on n3 failed: busy");
        var reason = "web2: start on n3 failed: busy; web3: not started";
        Assert.Equal([$"VE: Running->Pending on - ({reason})"], Show(ve.Settle()));
        Assert.Equal((VeState.Pending, reason), (ve.State, ve.Reason));
    }

    [Fact]
    public void Pending_again_with_another_reason_publishes_nothing_but_keeps_the_reason()
    {
        var ve = Ve(VeState.Pending, ("web1", VmState.Stopped, null));
        Assert.Empty(ve.NoRoom("web1: no node has 1 vCPU free"));
        Assert.Equal("web1: no node has 1 vCPU free", ve.Reason);
        Assert.Empty(ve.PlacementFailed("timeout"));
        Assert.Equal("placement failed: timeout", ve.Reason);
        Assert.Empty(ve.Transitions);
    }

    [Fact]
    public void No_room_takes_a_running_ve_back_to_pending()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Stopped, null));
        Assert.Equal(["VE: Running->Pending on - (web1: no room)"], Show(ve.NoRoom("web1: no room")));
        Assert.Equal((VeState.Pending, "web1: no room"), (ve.State, ve.Reason));
    }

    [Fact]
    public void A_deleted_ve_is_never_placed()
    {
        var ve = Ve(VeState.Deleted, ("web1", VmState.Stopped, null));
        Assert.Throws<InvalidOperationException>(() => ve.Settle());
        Assert.Throws<InvalidOperationException>(() => ve.NoRoom("x"));
        Assert.Throws<InvalidOperationException>(() => ve.PlacementFailed("x"));
        Assert.Equal(VeState.Deleted, ve.State);
    }

    // ---- one VM ----

    [Fact]
    public void A_vm_started_runs_on_its_node_without_reason_nor_restoring()
    {
        var ve = Ve(VeState.Pending, out var state, ("web1", VmState.Stopped, null));
        state.Vms[0] = state.Vms[0] with { Reason = "no room", Restoring = true };
        Assert.Equal(["web1: Stopped->Running on n2 (placed and started)"], Show(ve.VmStarted(Id("web1"), "n2", "placed and started")));
        Assert.Equal(new VeVm("web1", Spec(Id("web1")), VmState.Running, "n2"), Assert.Single(ve.Vms));
    }

    [Fact]
    public void A_failed_start_keeps_the_reason_and_publishes_nothing()
    {
        var ve = Ve(VeState.Pending, ("web1", VmState.Stopped, null));
        Assert.Empty(ve.StartFailed(Id("web1"), "n1", "start on n1 failed: full"));
        Assert.Equal(("start on n1 failed: full", (string?)null), (ve.Vms[0].Reason, ve.Vms[0].Host));
    }

    [Fact]
    public void A_vm_unplaced_loses_its_node_keeping_why_and_whether_it_is_restored()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Crashed, "n1"));
        Assert.Equal(["web1: Crashed->Stopped on n1 (cannot start: placed again)"], Show(ve.VmUnplaced(Id("web1"), "n1", "cannot start: placed again", restoring: true)));
        Assert.Equal(new VeVm("web1", Spec(Id("web1")), VmState.Stopped, null, "cannot start: placed again", true), Assert.Single(ve.Vms));
    }

    [Fact]
    public void A_lost_vm_that_ran_is_restored_first_one_that_did_not_is_not()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Stopped, "n1"));
        var published = ve.Lost(Id("web1"), "node n1 down", "node n1 is down: placed again").ToList();
        published.AddRange(ve.Lost(Id("web2"), "gone", "gone: placed again"));
        Assert.Equal(["web1: Running->Stopped on n1 (node n1 is down: placed again)", "web2: Stopped->Stopped on n1 (gone: placed again)"], Show(published));
        Assert.Equal("web1 Stopped - restoring, web2 Stopped -", Vms(ve));
        Assert.Equal(["node n1 down", "gone"], ve.Vms.Select(v => v.Reason));
    }

    [Fact]
    public void Node_down_loses_only_the_vms_on_that_node()
    {
        var ve = Ve(VeState.Stopped, ("web1", VmState.Stopped, "n1"), ("web2", VmState.Stopped, "n2"));
        Assert.Equal(["web1"], ve.VmsOn("n1").Select(v => v.Name));
        Assert.Equal(["web1: Stopped->Stopped on n1 (node n1 is down: placed again)"], Show(ve.NodeDown(Id("web1"), "n1")));
        Assert.Empty(ve.NodeDown(Id("web2"), "n1"));
        Assert.Equal("web1 Stopped -, web2 Stopped n2", Vms(ve));
        Assert.Equal(VeState.Stopped, ve.State);
    }

    [Fact]
    public void Reconciling_follows_the_copy_found_and_says_when_it_was_stopped()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Running, "n2"));
        Assert.Equal(["web1: Running->Running on n3 (reconciled with the hypervisors)"], Show(ve.Found(Id("web1"), "n3", VmState.Running)));
        Assert.Equal(["web2: Running->Crashed on n2 (found stopped when reconciling)"], Show(ve.Found(Id("web2"), "n2", VmState.Crashed)));
        Assert.Equal("web1 Running n3, web2 Crashed n2", Vms(ve));
    }

    [Fact]
    public void A_migration_is_followed_only_from_the_node_the_vm_is_recorded_on()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"));
        Assert.False(ve.MovedFromElsewhere(Id("web1"), "n1", "n2"));
        Assert.Equal(["web1: Running->Running on n2 (migrated by a scheduler)"], Show(ve.Migrated(Id("web1"), "n1", "n2")));
        Assert.Empty(ve.Migrated(Id("web1"), "n1", "n2")); // already there
        Assert.True(ve.MovedFromElsewhere(Id("web1"), "n3", "n4")); // a stale copy moved
        Assert.Empty(ve.Migrated(Id("web1"), "n3", "n4"));
        Assert.Equal("web1 Running n2", Vms(ve));
    }

    [Fact]
    public void Steps_on_a_vm_the_ve_does_not_have_change_nothing()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"));
        Assert.Empty(ve.VmStarted("bob.x.y", "n1", "started"));
        Assert.Empty(ve.Lost("bob.x.y", "x", "y"));
        Assert.False(ve.MovedFromElsewhere("bob.x.y", "n1", "n2"));
        Assert.Equal("web1 Running n1", Vms(ve));
        Assert.Empty(ve.Transitions);
    }

    // ---- crashes ----

    [Fact]
    public void Crashes_restart_after_a_doubling_back_off_and_the_third_in_the_window_fails_the_ve()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"));

        var first = ve.Crashed(Id("web1"), VmState.Crashed, "n1");
        Assert.Equal((CrashVerdict.Restart, TimeSpan.FromSeconds(1)), (first.Verdict, first.Backoff));
        Assert.Equal(["web1: Running->Crashed on n1 (the hypervisor reported it Crashed)"], Show(first.Transitions));
        Assert.Equal(("seen Crashed on n1", VmState.Crashed), (ve.Vms[0].Reason, ve.Vms[0].State));
        Assert.Equal(Id("web1"), ve.ToRestart(Id("web1"))?.Id);

        ve.VmStarted(Id("web1"), "n1", "restarted after a crash");
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = ve.Crashed(Id("web1"), VmState.Stopped, "n1");
        Assert.Equal((CrashVerdict.Restart, TimeSpan.FromSeconds(2)), (second.Verdict, second.Backoff));

        ve.VmStarted(Id("web1"), "n1", "restarted after a crash");
        _time.Advance(TimeSpan.FromSeconds(10));
        var third = ve.Crashed(Id("web1"), VmState.Crashed, "n1");
        Assert.Equal(CrashVerdict.Failed, third.Verdict);
        var reason = "web1 crashed 3 times within 5 min (last on n1); start the VE to try again";
        Assert.Equal(["web1: Running->Crashed on n1 (the hypervisor reported it Crashed)", $"VE: Running->Failed on - ({reason})"], Show(third.Transitions));
        Assert.Equal((VeState.Failed, reason), (ve.State, ve.Reason));
        Assert.Null(ve.ToRestart(Id("web1")));
    }

    public static TheoryData<VeState, VmState, string, string> StaleCrashes() => new()
    {
        { VeState.Stopped, VmState.Running, "n1", "alice.web.web1" },   // the VE no longer wants it running
        { VeState.Running, VmState.Crashed, "n1", "alice.web.web1" },   // already known crashed
        { VeState.Running, VmState.Running, "n2", "alice.web.web1" },   // news from a node it left
        { VeState.Running, VmState.Running, "n1", "alice.web.other" },  // not one of its VMs
    };

    [Theory, MemberData(nameof(StaleCrashes))]
    public void A_crash_of_a_vm_not_running_there_for_a_ve_that_wants_it_is_ignored(VeState state, VmState vm, string node, string vmId)
    {
        var ve = Ve(state, out var persisted, ("web1", vm, "n1"));
        var crash = ve.Crashed(vmId, VmState.Crashed, node);
        Assert.Equal((CrashVerdict.Ignored, 0), (crash.Verdict, crash.Transitions.Count));
        Assert.Equal((state, vm), (ve.State, ve.Vms[0].State));
        Assert.Empty(persisted.Crashes);
    }

    // ---- returned copies ----

    public static TheoryData<VeState, VmState, string?, VmState, CopyAction> Copies() => new()
    {
        { VeState.Running, VmState.Running, "n1", VmState.Running, CopyAction.Keep },
        { VeState.Running, VmState.Running, "n1", VmState.Stopped, CopyAction.Restart },   // its host rebooted
        { VeState.Pending, VmState.Running, "n1", VmState.Crashed, CopyAction.Restart },
        { VeState.Stopped, VmState.Stopped, "n1", VmState.Stopped, CopyAction.Keep },      // the VE wants it stopped
        { VeState.Running, VmState.Running, "n2", VmState.Running, CopyAction.Destroy },   // it runs on n2 now
        { VeState.Running, VmState.Stopped, null, VmState.Running, CopyAction.Adopt },
        { VeState.Suspended, VmState.Stopped, null, VmState.Running, CopyAction.Destroy },
    };

    [Theory, MemberData(nameof(Copies))]
    public void A_returned_copy_is_kept_restarted_adopted_or_destroyed(VeState state, VmState vm, string? host, VmState observed, CopyAction expected)
    {
        var ve = Ve(state, ("web1", vm, host));
        Assert.Equal(expected, ve.CopyReturned(Id("web1"), "n1", observed));
    }

    [Fact]
    public void A_returned_copy_of_a_vm_placed_elsewhere_is_destroyed_and_the_record_stays()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n2"));
        Assert.Equal(CopyAction.Destroy, ve.CopyReturned(Id("web1"), "n1", VmState.Running));
        Assert.Equal(["web1: Running->Removed on n1 (stale copy on n1, back after being down, destroyed: the VM runs on n2 now)"], Show(ve.CopyDestroyed(Id("web1"), "n1", VmState.Running)));
        Assert.Equal("web1 Running n2", Vms(ve));
    }

    [Fact]
    public void Copies_of_a_deleted_or_unknown_ve()
    {
        Assert.Equal(CopyAction.Ignore, new VeRecord(Key, new VeGrainState(), _time).CopyReturned(Id("web1"), "n1", VmState.Running));
        var deleted = Ve(VeState.Deleted, ("web1", VmState.Stopped, null));
        Assert.Equal(CopyAction.Destroy, deleted.CopyReturned(Id("web1"), "n1", VmState.Running));
        Assert.Equal(["web1: Running->Removed on n1 (stale copy on n1, back after being down, destroyed: the VE is Deleted)"], Show(deleted.CopyDestroyed(Id("web1"), "n1", VmState.Running)));
        Assert.Equal(CopyAction.Ignore, Ve(VeState.Running, ("web1", VmState.Running, "n1")).CopyReturned("alice.web.other", "n1", VmState.Running));
    }

    [Fact]
    public void A_copy_restarted_or_adopted_is_recorded_as_found()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"), ("web2", VmState.Stopped, null));
        ve.VmUnplaced(Id("web2"), "n3", "why", restoring: true);
        Assert.Equal(["web1: Running->Stopped on n1 (found Stopped on n1, back after being down)"], Show(ve.CopyStopped(Id("web1"), "n1", VmState.Stopped)));
        Assert.Equal(["web2: Stopped->Suspended on n2 (found Suspended on n2, back after being down: kept)"], Show(ve.CopyAdopted(Id("web2"), "n2", VmState.Suspended)));
        Assert.Equal(new VeVm("web2", Spec(Id("web2")), VmState.Suspended, "n2"), ve.Vms[1]);
    }

    [Fact]
    public void A_second_copy_removed_when_reconciling_is_published_and_the_record_stays()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n1"));
        Assert.Equal(["web1: Stopped->Removed on n2 (a second copy found when reconciling: removed)"], Show(ve.CopyRemoved(Id("web1"), "n2", VmState.Stopped)));
        Assert.Equal("web1 Running n1", Vms(ve));
    }

    // ---- the log ----

    [Fact]
    public void The_log_keeps_the_last_fifty_transitions()
    {
        var ve = Ve(VeState.Running, ("web1", VmState.Running, "n0"));
        for (var i = 1; i <= 60; i++) ve.Migrated(Id("web1"), $"n{i - 1}", $"n{i}");
        Assert.Equal(VeRecord.History, ve.Transitions.Count);
        Assert.Equal(("n11", "n60"), (ve.Transitions[0].Node, ve.Transitions[^1].Node));
    }
}
