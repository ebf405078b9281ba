using System.Collections.Immutable;

namespace Discovery.Model;

/// <summary>One VM as seen on its host at one instant: spec, state and measured usage.</summary>
[GenerateSerializer, Immutable, Alias("discovery.vm-snapshot")]
public sealed record VmSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] VmState State,
    [property: Id(2)] int VCpus,
    [property: Id(3)] int MemoryMiB,
    [property: Id(4)] int CpuDemand,
    [property: Id(5)] string Host)
{
    /// <summary>Resources this VM takes on its host now (a stopped VM takes none).</summary>
    public Resources Demand => HoldsResources ? new(CpuDemand, MemoryMiB) : Resources.Zero;

    /// <summary>Running, suspended (memory kept) or migrating VMs hold resources on their host.</summary>
    public bool HoldsResources => State is VmState.Running or VmState.Suspended or VmState.Migrating
        or VmState.ShuttingDown or VmState.PowerSuspended;
}

/// <summary>One node (PM) at one instant: capacity, hosted VMs and whether it is in maintenance.</summary>
[GenerateSerializer, Immutable, Alias("discovery.node-snapshot")]
public sealed record NodeSnapshot(
    [property: Id(0)] string Node,
    [property: Id(1)] string Site,
    [property: Id(2)] Resources Capacity,
    [property: Id(3)] ImmutableArray<VmSnapshot> Vms,
    [property: Id(4)] bool Maintenance,
    [property: Id(5)] DateTimeOffset At)
{
    /// <summary>Sum of what the hosted VMs take now.</summary>
    public Resources Demand
    {
        get
        {
            var total = Resources.Zero;
            foreach (var vm in Vms) total += vm.Demand;
            return total;
        }
    }

    /// <summary>CPU demand divided by CPU capacity (can exceed 1 when overloaded).</summary>
    public double CpuLoad => Capacity.Cpu == 0 ? 0 : (double)Demand.Cpu / Capacity.Cpu;

    /// <summary>True when CPU or memory demand exceeds capacity.</summary>
    public bool Overloaded => !Demand.FitsIn(Capacity);
}
