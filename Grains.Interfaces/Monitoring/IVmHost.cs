using Discovery.Model;

namespace Discovery.Monitoring;

/// <summary>The node's role for VE operations: it runs VMs through its own hypervisor.</summary>
[Alias("discovery.IVmHost")]
public interface IVmHost : IGrainWithStringKey
{
    /// <summary>Defines <paramref name="vm"/> here (if it is not yet) and boots it; a node without the VM's image fetches it first (hence minutes, not Orleans' 30 s).</summary>
    [Alias("Launch"), ResponseTimeout("00:10:00")]
    Task LaunchAsync(VmSpec vm);

    /// <summary>Boots a defined, stopped or crashed VM of this node.</summary>
    [Alias("StartVm")]
    Task StartVmAsync(string vmId);

    /// <summary>Powers a VM of this node off (it stays defined).</summary>
    [Alias("StopVm")]
    Task StopVmAsync(string vmId);

    /// <summary>Pauses a running VM of this node.</summary>
    [Alias("SuspendVm")]
    Task SuspendVmAsync(string vmId);

    /// <summary>Resumes a paused VM of this node.</summary>
    [Alias("ResumeVm")]
    Task ResumeVmAsync(string vmId);

    /// <summary>Powers the VM off if needed and forgets it (no effect when this node does not have it).</summary>
    [Alias("RemoveVm")]
    Task RemoveVmAsync(string vmId);
}
