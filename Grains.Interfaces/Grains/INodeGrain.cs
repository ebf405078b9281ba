using Discovery.Model;
using Discovery.Scheduling;
using Orleans.Concurrency;

namespace Discovery.Grains;

/// <summary>
/// One physical machine (key: node name): the seed's LRT monitoring layer. Reads its hypervisor
/// on a timer, detects overload, underload and maintenance, starts partitions, and holds at most
/// one reservation (partition id + lease). It never awaits a partition: partitions call nodes.
/// </summary>
[Alias("discovery.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Capacity, hosted VMs and their current demand, read from the hypervisor now.</summary>
    [Alias("GetSnapshot")]
    Task<NodeSnapshot> GetSnapshotAsync();

    /// <summary>Starts the monitoring timer (the silo calls it for every local node at start).</summary>
    [Alias("StartMonitoring")]
    Task StartMonitoringAsync();

    /// <summary>Reservation, pending event and last snapshot.</summary>
    [Alias("GetStatus")]
    Task<NodeStatus> GetStatusAsync();

    /// <summary>Reserves the node for <paramref name="partitionId"/> unless another live partition holds it.</summary>
    [Alias("Reserve")]
    Task<ReserveReply> ReserveAsync(string partitionId);

    /// <summary>Renews the lease; false when the node is no longer reserved by that partition.</summary>
    [Alias("Renew")]
    Task<bool> RenewAsync(string partitionId);

    /// <summary>Hands the reservation from one partition to another (merge of blocked partitions).</summary>
    [Alias("Transfer")]
    Task<bool> TransferAsync(string fromPartition, string toPartition);

    /// <summary>Ends the reservation; the initiator learns how its event ended.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string partitionId, PartitionOutcome outcome);

    /// <summary>Migrates a VM of this node to <paramref name="destination"/>; completes when it has landed.</summary>
    [Alias("Migrate"), AlwaysInterleave]
    Task<TimeSpan> MigrateAsync(string vmId, string destination);

    /// <summary>Asks for (or cancels) maintenance: the node must be drained.</summary>
    [Alias("SetMaintenance")]
    Task SetMaintenanceAsync(bool maintenance);
}
