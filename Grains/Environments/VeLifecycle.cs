namespace Discovery.Environments;

/// <summary>
/// Which operation a VE in a given state accepts, like a process's states (pure logic): an
/// operation that already holds does nothing and succeeds (stopping a stopped VE), one that makes
/// no sense from that state is refused with the state named and what to do instead.
/// </summary>
public static class VeLifecycle
{
    /// <summary>What to do with <paramref name="operation"/> on a VE in <paramref name="state"/>.</summary>
    public static VeDecision Decide(VeState state, VeOperation operation) => (operation, state) switch
    {
        (_, VeState.Deleted) when operation != VeOperation.Delete => VeDecision.Refuse("the VE was deleted: submit it again"),
        (VeOperation.Delete, VeState.Deleted) => VeDecision.AlreadyThere,
        (VeOperation.Delete, _) => VeDecision.Proceed,

        (VeOperation.Start, VeState.Running or VeState.Pending) => VeDecision.AlreadyThere,
        (VeOperation.Start, VeState.Stopped or VeState.Failed) => VeDecision.Proceed,
        (VeOperation.Start, VeState.Suspended) => VeDecision.Refuse("the VE is suspended: resume it"),

        (VeOperation.Stop, VeState.Stopped) => VeDecision.AlreadyThere,
        (VeOperation.Stop, _) => VeDecision.Proceed,

        (VeOperation.Suspend, VeState.Suspended) => VeDecision.AlreadyThere,
        (VeOperation.Suspend, VeState.Running) => VeDecision.Proceed,
        (VeOperation.Suspend, _) => VeDecision.Refuse($"the VE is {state}: only a running VE can be suspended"),

        (VeOperation.Resume, VeState.Running) => VeDecision.AlreadyThere,
        (VeOperation.Resume, VeState.Suspended) => VeDecision.Proceed,
        (VeOperation.Resume, VeState.Stopped) => VeDecision.Refuse("the VE is stopped: start it"),
        (VeOperation.Resume, _) => VeDecision.Refuse($"the VE is {state}: only a suspended VE can be resumed"),

        _ => VeDecision.Refuse($"{operation} is not possible while the VE is {state}"),
    };
}
