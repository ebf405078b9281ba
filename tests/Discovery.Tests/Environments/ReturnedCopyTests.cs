using Discovery.Environments;
using Discovery.Model;

namespace Discovery.Tests.Environments;

/// <summary>The rule that keeps a VM from running twice when a node that was down comes back.</summary>
public sealed class ReturnedCopyTests
{
    private static VeVm Vm(string? host) => new("web1", new VmSpec("alice.web.web1", 1, 512, "img"), VmState.Running, host);

    public static TheoryData<VeState?, string?, bool, CopyAction> Cases() => new()
    {
        { null, null, false, CopyAction.Ignore },                 // no such VE: left alone, reported
        { VeState.Running, null, false, CopyAction.Ignore },      // not one of the VE's VMs
        { VeState.Deleted, null, false, CopyAction.Destroy },     // the VE is gone
        { VeState.Running, "n1", true, CopyAction.Keep },         // recorded on the node that is back
        { VeState.Stopped, "n1", true, CopyAction.Keep },
        { VeState.Running, "n2", true, CopyAction.Destroy },      // placed again elsewhere: the copy must go
        { VeState.Pending, "n2", true, CopyAction.Destroy },
        { VeState.Failed, "n2", true, CopyAction.Destroy },
        { VeState.Running, null, true, CopyAction.Adopt },        // not placed again yet: the copy is the VM
        { VeState.Pending, null, true, CopyAction.Adopt },
        { VeState.Stopped, null, true, CopyAction.Destroy },      // placed afresh when started
        { VeState.Suspended, null, true, CopyAction.Destroy },
        { VeState.Failed, null, true, CopyAction.Destroy },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_copy_is_kept_only_where_its_ve_records_the_vm(VeState? ve, string? recordedHost, bool known, CopyAction expected) =>
        Assert.Equal(expected, ReturnedCopy.Decide(ve, known ? Vm(recordedHost) : null, "n1"));
}
