namespace Discovery.Grains;

/// <summary>
/// Fault injection for operators testing resilience, and for tests: only on the simulated
/// hypervisor (refused with a clear message on libvirt, where it would harm real machines).
/// </summary>
[Alias("discovery.INodeFaults")]
public interface INodeFaults : IGrainWithStringKey
{
    /// <summary>Makes a VM of this node crash, as a guest kernel panic would.</summary>
    [Alias("CrashVm")]
    Task CrashVmAsync(string vmId);
}
