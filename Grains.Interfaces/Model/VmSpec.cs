namespace Discovery.Model;

/// <summary>
/// What a user asks for one virtual machine: its id (unique in its VE, and the hypervisor's
/// domain name), vCPUs, memory, the image it boots and its CPU demand in hundredths of a core
/// (0..100 per vCPU). For a VE's VM the demand is the one it is expected to have: admission prefers
/// the nodes whose live load leaves room for it, and the simulated hypervisor starts the VM at it.
/// The VE language and the JSON API assume all its vCPUs when a VM declares none (<c>cpu: 100%</c>);
/// built in code, a spec says it explicitly (the default, 0, is an idle VM).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.vm-spec")]
public sealed record VmSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] int VCpus,
    [property: Id(2)] int MemoryMiB,
    [property: Id(3)] string Image,
    [property: Id(4)] int CpuDemand = 0)
{
    /// <summary>
    /// The largest CPU demand this VM can have: 100 per vCPU, at most <see cref="int.MaxValue"/> (42,949,673 vCPUs
    /// would otherwise wrap round to 0.04 of a core; the spec validator refuses such a VM).
    /// </summary>
    public int MaxCpuDemand => (int)Math.Min((long)VCpus * 100, int.MaxValue);

    /// <summary>What the VM currently needs from its host.</summary>
    public Resources Demand => new(CpuDemand, MemoryMiB);
}
