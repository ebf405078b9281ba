using Discovery.Security;
using Discovery.Model;

namespace Discovery.Monitoring;

/// <summary>
/// The node's monitoring role (the seed's LRT monitoring layer): reads its hypervisor on a timer,
/// detects overload, underload and maintenance, and reports its state.
/// </summary>
[Alias("discovery.INodeMonitor")]
public interface INodeMonitor : IGrainWithStringKey
{
    /// <summary>Capacity, hosted VMs and their current demand, read from the hypervisor now.</summary>
    [ClientAccess(Access.ReadCluster)]
    [Alias("GetSnapshot")]
    Task<NodeSnapshot> GetSnapshotAsync();

    /// <summary>
    /// Starts the monitoring timer (the silo calls it for every local node at start). False from an activation standing
    /// in for a node whose silo was gone: it makes way when that silo is back, and the caller asks again.
    /// </summary>
    [Alias("StartMonitoring")]
    Task<bool> StartMonitoringAsync();

    /// <summary>
    /// Observes the hypervisor now, as one monitoring tick: the silo's monitoring pass calls it when a node's
    /// reading gives the grain something to see (an overload, a VM that changed state, an unreachable node).
    /// </summary>
    [Alias("Observe")]
    Task ObserveAsync();

    /// <summary>Stops the monitoring timer (the silo calls it for every local node when it stops).</summary>
    [Alias("StopMonitoring")]
    Task StopMonitoringAsync();

    /// <summary>Reservation, pending event and last snapshot.</summary>
    [ClientAccess(Access.ReadCluster)]
    [Alias("GetStatus")]
    Task<NodeStatus> GetStatusAsync();

    /// <summary>The node as the operator page draws it, from the last monitoring read (no hypervisor call).</summary>
    [Alias("GetCell"), Orleans.Concurrency.AlwaysInterleave]
    Task<NodeCell> GetCellAsync();

    /// <summary>Asks for (or cancels) maintenance: the node must be drained.</summary>
    [ClientAccess(Access.OperateCluster)]
    [Alias("SetMaintenance")]
    Task SetMaintenanceAsync(bool maintenance);
}
