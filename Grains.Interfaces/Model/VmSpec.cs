namespace Discovery.Model;

/// <summary>
/// What a user asks for one virtual machine: its id (unique in its VE, and the hypervisor's
/// domain name), vCPUs, memory, the image it boots and its current CPU demand in hundredths
/// of a core (0..100 per vCPU).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.vm-spec")]
public sealed record VmSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] int VCpus,
    [property: Id(2)] int MemoryMiB,
    [property: Id(3)] string Image,
    [property: Id(4)] int CpuDemand = 0)
{
    /// <summary>The largest CPU demand this VM can have: 100 per vCPU.</summary>
    public int MaxCpuDemand => VCpus * 100;

    /// <summary>What the VM currently needs from its host.</summary>
    public Resources Demand => new(CpuDemand, MemoryMiB);
}
