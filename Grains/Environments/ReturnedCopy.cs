namespace Discovery.Environments;

/// <summary>What a VE does with a copy of one of its VMs listed by a node that was down and is back.</summary>
public enum CopyAction
{
    /// <summary>The VE records the VM there already: nothing to do.</summary>
    Keep,
    /// <summary>The VM had no node yet (not placed again so far) and the VE wants it running: the copy becomes the VM.</summary>
    Adopt,
    /// <summary>The VM runs elsewhere by now, or the VE no longer wants it: the copy is destroyed.</summary>
    Destroy,
    /// <summary>Not a VM this VE knows: reported, left alone (as when reconciling).</summary>
    Ignore,
    /// <summary>
    /// Kept where the VE records it, but found stopped or crashed (its host rebooted) while the VE wants it running:
    /// started there again. Decided by <see cref="VeRecord.CopyReturned"/>, which knows what the node saw.
    /// </summary>
    Restart,
}

/// <summary>
/// The rule that keeps a VM from running twice after a node comes back (pure logic): a copy is
/// kept only where the VE records its VM; one whose VM was placed again elsewhere is destroyed.
/// </summary>
public static class ReturnedCopy
{
    /// <summary>
    /// <paramref name="ve"/>: the VE's state, null when the VE was never submitted; <paramref name="vm"/>: the VE's
    /// record of the VM, null when the VE has no such VM; <paramref name="node"/>: the node back with the copy.
    /// </summary>
    public static CopyAction Decide(VeState? ve, VeVm? vm, string node) => (ve, vm) switch
    {
        (null, _) => CopyAction.Ignore,
        (VeState.Deleted, _) => CopyAction.Destroy,
        (_, null) => CopyAction.Ignore,
        (_, { Host: { } host }) when host == node => CopyAction.Keep,
        (_, { Host: not null }) => CopyAction.Destroy,
        (VeState.Running or VeState.Pending, _) => CopyAction.Adopt,
        _ => CopyAction.Destroy, // stopped, suspended or failed: it is placed afresh when started
    };
}
