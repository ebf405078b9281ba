using Discovery.Model;

namespace Discovery.Hypervisors;

/// <summary>
/// A hypervisor whose node can be read in memory, without I/O and without copying its VMs (the
/// simulated one). The silo's monitoring pass reads such nodes itself every period and wakes a
/// node grain only when the reading gives it something to do; other hypervisors (libvirt) are read
/// by their node grain every period.
/// </summary>
public interface IPeekableHypervisor
{
    /// <summary>The node now, without I/O (it may first replay the simulation's due events); throws <see cref="HypervisorException"/> only for an unknown node.</summary>
    NodeReading Peek();
}

/// <summary>
/// A node's load and state at one instant. <see cref="Version"/> changes whenever the node's VMs or
/// their states change (defined, started, crashed, landed, ...), not when their demand does.
/// <see cref="Vms"/> counts the VMs listed on the node, those landing there included.
/// </summary>
public readonly record struct NodeReading(Resources Demand, Resources Capacity, bool Down, long Version, bool Hosting, int Vms)
{
    /// <summary>Demand above capacity, CPU or memory (as <see cref="NodeSnapshot.Overloaded"/> computes it).</summary>
    public bool Overloaded => !Demand.FitsIn(Capacity);

    /// <summary>CPU demand over CPU capacity.</summary>
    public double CpuLoad => Demand.CpuShareOf(Capacity);

    /// <summary>Memory demand over memory capacity.</summary>
    public double MemoryLoad => Demand.MemoryShareOf(Capacity);
}
