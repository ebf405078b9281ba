using Discovery.Scheduling;

namespace Discovery.Monitoring;

/// <summary>
/// One physical machine (key: node name), composed of its roles as in Orleans' Chirper sample:
/// monitoring (<see cref="INodeMonitor"/>), the DVMS reservation protocol (<see cref="IReservable"/>),
/// plan execution (<see cref="IMigrationSource"/>, and <see cref="IMigrationDestination"/> from another silo), running VEs' VMs (<see cref="IVmHost"/>) and fault
/// injection (<see cref="INodeFaults"/>). It holds at most one reservation and never awaits a
/// partition: partitions call nodes.
/// </summary>
[Alias("discovery.INodeGrain")]
public interface INodeGrain : INodeMonitor, IReservable, IMigrationSource, IMigrationDestination, IVmHost, INodeFaults;
