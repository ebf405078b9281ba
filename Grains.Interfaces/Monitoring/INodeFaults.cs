using Discovery.Security;
namespace Discovery.Monitoring;

/// <summary>
/// Fault injection for operators testing resilience, and for tests: only on the simulated
/// hypervisor (refused with a clear message on libvirt, where it would harm real machines).
/// </summary>
[Alias("discovery.INodeFaults")]
public interface INodeFaults : IGrainWithStringKey
{
    /// <summary>Makes a VM of this node crash, as a guest kernel panic would.</summary>
    [ClientAccess(Access.InjectFaults)]
    [Alias("CrashVm")]
    Task CrashVmAsync(string vmId);

    /// <summary>
    /// Makes this node's hypervisor unreachable, as a crashed or cut-off machine: its VMs are frozen
    /// there (still defined, perhaps still running) until <see cref="RecoverNodeAsync"/>.
    /// </summary>
    [ClientAccess(Access.InjectFaults)]
    [Alias("CrashNode")]
    Task CrashNodeAsync();

    /// <summary>Makes a node crashed by <see cref="CrashNodeAsync"/> reachable again, with the VMs it had.</summary>
    [ClientAccess(Access.InjectFaults)]
    [Alias("RecoverNode")]
    Task RecoverNodeAsync();
}
