using Discovery.Model;

namespace Discovery.Hypervisors;

/// <summary>One VM as its hypervisor sees it: CPU usage in hundredths of a core.</summary>
public sealed record VmStatus(string Id, VmState State, int VCpus, int MemoryMiB, int CpuUsage, string? Image = null)
{
    /// <summary>As a snapshot attributed to <paramref name="host"/>.</summary>
    public VmSnapshot ToSnapshot(string host) => new(Id, State, VCpus, MemoryMiB, CpuUsage, host, Image);
}
