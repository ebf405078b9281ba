namespace Discovery.Scheduling;

/// <summary>
/// The node's role in the DVMS protocol (Grains.Interfaces/Scheduling/Protocol.cs): a node
/// belongs to at most one partition at a time, for as long as its leader renews the lease.
/// Partitions call nodes; nodes never await partitions.
/// </summary>
[Alias("discovery.IReservable")]
public interface IReservable : IGrainWithStringKey
{
    /// <summary>Reserves the node for <paramref name="partitionId"/> unless another live partition holds it (then names that partition).</summary>
    [Alias("Reserve")]
    Task<ReserveReply> ReserveAsync(string partitionId);

    /// <summary>Renews the lease; false when the node is no longer reserved by that partition.</summary>
    [Alias("Renew"), Orleans.Concurrency.AlwaysInterleave] // only extends a lease it holds: never queues behind a monitoring tick
    Task<bool> RenewAsync(string partitionId);

    /// <summary>Hands the reservation from one partition to another (merge of blocked partitions).</summary>
    [Alias("Transfer")]
    Task<bool> TransferAsync(string fromPartition, string toPartition);

    /// <summary>Ends the reservation; the initiator learns how its event ended.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string partitionId, PartitionOutcome outcome);
}
