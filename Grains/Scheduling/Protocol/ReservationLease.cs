using Discovery.Model;

namespace Discovery.Scheduling.Protocol;

/// <summary>
/// A node's side of the DVMS protocol as a plain state machine: at most one reservation (the
/// partition that holds the node, with the last time its leader renewed it), the event the node
/// started a partition for, and the back-off before it may start another. A reservation whose
/// leader has been silent for the lease timeout is dropped the next time anyone looks.
/// The node grain holds one and delegates every protocol message to it.
/// </summary>
public sealed class ReservationLease(TimeProvider time, TimeSpan timeout, TimeSpan retryBackoff, Action<Reservation>? expired = null)
{
    private Reservation? _reservation;
    private string? _initiated;          // the partition started for this node's own event
    private SchedulingEvent? _pending;
    private DateTimeOffset _retryAfter = DateTimeOffset.MinValue;

    /// <summary>The live reservation, if any (a silent leader's is dropped first).</summary>
    public Reservation? Holder
    {
        get
        {
            ExpireIfSilent();
            return _reservation;
        }
    }

    /// <summary>The event this node started a partition for, while that partition (or its absorber) runs.</summary>
    public SchedulingEvent? PendingEvent
    {
        get
        {
            ExpireIfSilent();
            return _pending;
        }
    }

    /// <summary>True when the node may start a partition for a new event: free and not backing off.</summary>
    public bool MayStartPartition => Holder is null && time.GetUtcNow() >= _retryAfter;

    /// <summary>The node reserves itself for the partition it starts for <paramref name="evt"/> (before that partition exists).</summary>
    public void ReserveForOwnEvent(string partitionId, SchedulingEvent evt)
    {
        if (!MayStartPartition)
            throw new InvalidOperationException($"node {evt.Node} cannot start partition {partitionId}: " +
                (_reservation is { } r ? $"held by {r.PartitionId}" : $"backing off until {_retryAfter:O}"));
        _reservation = new Reservation(partitionId, time.GetUtcNow());
        _initiated = partitionId;
        _pending = evt;
    }

    /// <summary>Exclusive: granted when free or already held by the same partition; otherwise refused, naming the holder.</summary>
    public ReserveReply Reserve(string partitionId)
    {
        if (Holder is { } held && held.PartitionId != partitionId) return new ReserveReply(false, held.PartitionId);
        _reservation = new Reservation(partitionId, time.GetUtcNow());
        return ReserveReply.Grant;
    }

    /// <summary>Extends the lease; false when the node is no longer that partition's.</summary>
    public bool Renew(string partitionId)
    {
        if (Holder?.PartitionId != partitionId) return false;
        _reservation = _reservation! with { RenewedAt = time.GetUtcNow() };
        return true;
    }

    /// <summary>Merge: the absorbed partition's node passes to the absorber, with the node's own event.</summary>
    public bool Transfer(string fromPartition, string toPartition)
    {
        if (Holder?.PartitionId != fromPartition) return false;
        _reservation = new Reservation(toPartition, time.GetUtcNow());
        if (_initiated == fromPartition) _initiated = toPartition;
        return true;
    }

    /// <summary>Ends the reservation if <paramref name="partitionId"/> holds it; the node's own event ends with it, and after a failure the node backs off.</summary>
    public void Release(string partitionId, PartitionOutcome outcome)
    {
        if (_reservation?.PartitionId == partitionId) _reservation = null;
        if (_initiated != partitionId) return;
        _initiated = null;
        _pending = null;
        if (outcome is PartitionOutcome.GaveUp or PartitionOutcome.Failed) _retryAfter = time.GetUtcNow() + retryBackoff;
    }

    private void ExpireIfSilent()
    {
        if (_reservation is not { } r || time.GetUtcNow() - r.RenewedAt <= timeout) return;
        _reservation = null;
        if (_initiated == r.PartitionId)
        {
            _initiated = null;
            _pending = null;
        }
        expired?.Invoke(r);
    }
}
