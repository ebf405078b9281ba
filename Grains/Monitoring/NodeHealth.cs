namespace Discovery.Monitoring;

/// <summary>What the node grain must do after a read of its hypervisor, as <see cref="NodeHealth"/> decides it.</summary>
public enum NodeHealthAction
{
    /// <summary>Nothing to tell anyone (healthy, or unreachable within its grace, or down between two repeats).</summary>
    None,

    /// <summary>Unreachable for its whole grace: mark the node down (node directory, its VEs, the VMs of no VE).</summary>
    MarkDown,

    /// <summary>Still down: tell the node directory again, which lives in memory and may have lost it.</summary>
    RepeatMarkDown,

    /// <summary>Answers again within its grace: nothing was marked, nothing to undo.</summary>
    BackFromUnreachable,

    /// <summary>Answers again after being marked down: it joins again and each copy it lists goes to its VE.</summary>
    BackFromDown,
}

/// <summary>
/// One step of a node's health: what the grain must do, whether the hypervisor has just stopped answering (the
/// grain logs it once), and how long it has not answered (up to this step, or until it answered again).
/// </summary>
public readonly record struct NodeHealthStep(NodeHealthAction Action, bool BecameUnreachable, TimeSpan Unanswered);

/// <summary>
/// A node's health as its grain sees it: reachable, then unreachable since its first failed read, then down once
/// unreachable for its grace; back (reachable) at its next answer. A grain activated where no live silo drives the
/// node stands in for it: never reachable (it has no hypervisor), it waits the longer silo-loss grace, so that a
/// silo that restarts (an upgrade) does not evacuate its PoP. Decides only; the grain carries out each
/// <see cref="NodeHealthStep"/> (directory calls, VEs, metrics, logs). Not thread-safe: one grain's turn at a time.
/// </summary>
/// <param name="time">The infrastructure clock.</param>
/// <param name="nodeDownGrace">How long a node driven by this silo may not answer before it is marked down.</param>
/// <param name="siloLossGrace">How long a stand-in waits before marking its node down.</param>
/// <param name="repeatDownEvery">A down node tells the directory again every this many failed reads.</param>
public sealed class NodeHealth(TimeProvider time, TimeSpan nodeDownGrace, TimeSpan siloLossGrace, int repeatDownEvery)
{
    private long _downReads; // failed reads while down, over the activation's life (paces the repeats)

    /// <summary>No live silo drives the node: this activation stands in for it until its silo returns.</summary>
    public bool StandingIn { get; private set; }

    /// <summary>When the hypervisor stopped answering (infrastructure time); null while it answers.</summary>
    public DateTimeOffset? UnreachableSince { get; private set; }

    /// <summary>Marked down: out of the node directory, its VMs placed elsewhere.</summary>
    public bool Down { get; private set; }

    /// <summary>Unreachable or down: the grain wants a read every period.</summary>
    public bool Troubled => UnreachableSince is not null || Down;

    /// <summary>A node marked down or stood in for takes part in no partition.</summary>
    public bool OutOfOverlay => Down || StandingIn;

    /// <summary>How long the node may not answer before it is marked down.</summary>
    public TimeSpan Grace => StandingIn ? siloLossGrace : nodeDownGrace;

    /// <summary>Activated where no live silo drives the node: unreachable from now, with the silo-loss grace.</summary>
    public void StandIn()
    {
        StandingIn = true;
        Become(time.GetUtcNow(), Down);
    }

    /// <summary>
    /// The node directory lists the node down (an earlier activation marked it, its silo died since): down until a read
    /// succeeds, and that read is a return from down, whose copies go to their VEs.
    /// </summary>
    public void AlreadyMarkedDown() => Become(time.GetUtcNow(), down: true);

    /// <summary>A read failed (an error, or no answer in time).</summary>
    public NodeHealthStep Missed()
    {
        var now = time.GetUtcNow();
        var began = UnreachableSince is null;
        if (began) Become(now, Down);
        var unanswered = now - UnreachableSince!.Value;
        if (Down)
            return new(++_downReads % repeatDownEvery == 0 ? NodeHealthAction.RepeatMarkDown : NodeHealthAction.None, began, unanswered);
        if (unanswered < Grace) return new(NodeHealthAction.None, began, unanswered);
        Become(UnreachableSince, down: true);
        return new(NodeHealthAction.MarkDown, began, unanswered);
    }

    /// <summary>A read succeeded.</summary>
    public NodeHealthStep Answered()
    {
        if (UnreachableSince is not { } since) return new(NodeHealthAction.None, false, TimeSpan.Zero);
        var wasDown = Down;
        Become(null, down: false);
        return new(wasDown ? NodeHealthAction.BackFromDown : NodeHealthAction.BackFromUnreachable, false, time.GetUtcNow() - since);
    }

    /// <summary>The one place the node's health changes.</summary>
    private void Become(DateTimeOffset? unreachableSince, bool down) => (UnreachableSince, Down) = (unreachableSince, down);
}
