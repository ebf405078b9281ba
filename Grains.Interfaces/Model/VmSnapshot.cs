namespace Discovery.Model;

/// <summary>One VM as seen on its host at one instant: spec, state and measured usage, and the image it boots when the hypervisor says.</summary>
[GenerateSerializer, Immutable, Alias("discovery.vm-snapshot")]
public sealed record VmSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] VmState State,
    [property: Id(2)] int VCpus,
    [property: Id(3)] int MemoryMiB,
    [property: Id(4)] int CpuDemand,
    [property: Id(5)] string Host,
    [property: Id(6)] string? Image = null)
{
    /// <summary>Resources this VM takes on its host now (a stopped VM takes none).</summary>
    public Resources Demand => HoldsResources ? new(CpuDemand, MemoryMiB) : Resources.Zero;

    /// <summary>Running, suspended (memory kept) or migrating VMs hold resources on their host.</summary>
    public bool HoldsResources => State is VmState.Running or VmState.Suspended or VmState.Migrating
        or VmState.ShuttingDown or VmState.PowerSuspended;
}
