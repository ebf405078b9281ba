using System.Collections.Immutable;

namespace Discovery.Model;

/// <summary>
/// One node (PM) at one instant: capacity, hosted VMs, whether it is in maintenance, and the DVMS
/// partition holding it then (<see cref="ReservedBy"/>), if any.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.node-snapshot")]
public sealed record NodeSnapshot(
    [property: Id(0)] string Node,
    [property: Id(1)] string Site,
    [property: Id(2)] Resources Capacity,
    [property: Id(3)] ImmutableArray<VmSnapshot> Vms,
    [property: Id(4)] bool Maintenance,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string? ReservedBy = null)
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
    public double CpuLoad => Demand.CpuShareOf(Capacity);

    /// <summary>Memory demand divided by memory capacity.</summary>
    public double MemoryLoad => Demand.MemoryShareOf(Capacity);

    /// <summary>True when CPU or memory demand exceeds capacity.</summary>
    public bool Overloaded => !Demand.FitsIn(Capacity);
}
