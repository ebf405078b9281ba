using Discovery.Model;
using Discovery.Scheduling;
using Discovery.Scheduling.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Scheduling.Protocol;

/// <summary>The node's side of the protocol on a fake clock: each rule has a test that fails when the rule is removed.</summary>
public sealed class ReservationLeaseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<Reservation> _expired = [];

    private ReservationLease NewLease() => new(_time, Timeout, Backoff, _expired.Add);

    private SchedulingEvent Overload(string node = "n0") =>
        new(node, EventKind.Overload, _time.GetUtcNow(), new Resources(500, 1024), new Resources(400, 8192));

    [Fact]
    public void A_node_belongs_to_at_most_one_partition()
    {
        var lease = NewLease();
        Assert.Equal(ReserveReply.Grant, lease.Reserve("p1"));
        Assert.Equal(new ReserveReply(false, "p1"), lease.Reserve("p2"));
        Assert.Equal("p1", lease.Holder!.PartitionId);
        Assert.Equal(ReserveReply.Grant, lease.Reserve("p1")); // the holder asking again keeps it
    }

    [Fact]
    public void A_silent_leaders_reservation_expires_after_the_timeout_and_not_before()
    {
        var lease = NewLease();
        lease.Reserve("p1");
        _time.Advance(Timeout);
        Assert.Equal("p1", lease.Holder!.PartitionId); // exactly the timeout: still held
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(lease.Holder);
        Assert.Equal(["p1"], _expired.Select(r => r.PartitionId));
        Assert.Equal(ReserveReply.Grant, lease.Reserve("p2"));
    }

    [Fact]
    public void Renewal_extends_the_lease_only_for_the_holder()
    {
        var lease = NewLease();
        lease.Reserve("p1");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(lease.Renew("p1"));
        Assert.False(lease.Renew("p2"));
        _time.Advance(TimeSpan.FromSeconds(1)); // 2 s after the reservation, 1 s after the renewal
        Assert.Equal("p1", lease.Holder!.PartitionId);
        Assert.Empty(_expired);
    }

    [Fact]
    public void Transfer_on_merge_moves_the_node_and_its_own_event_to_the_absorber_only_from_the_holder()
    {
        var lease = NewLease();
        var evt = Overload();
        lease.ReserveForOwnEvent("p1", evt);
        Assert.False(lease.Transfer("p0", "p9"));
        Assert.Equal("p1", lease.Holder!.PartitionId);
        Assert.True(lease.Transfer("p1", "p9"));
        Assert.Equal("p9", lease.Holder!.PartitionId);
        lease.Release("p1", PartitionOutcome.Absorbed); // the absorbed partition no longer holds anything
        Assert.Equal("p9", lease.Holder!.PartitionId);
        Assert.Equal(evt, lease.PendingEvent);
        lease.Release("p9", PartitionOutcome.Solved);  // the absorber carried the node's event to its end
        Assert.Null(lease.Holder);
        Assert.Null(lease.PendingEvent);
        Assert.True(lease.MayStartPartition);
    }

    [Fact]
    public void Release_frees_the_node_only_for_the_holder_and_a_failure_backs_off()
    {
        var lease = NewLease();
        lease.ReserveForOwnEvent("p1", Overload());
        lease.Release("p2", PartitionOutcome.Solved);
        Assert.Equal("p1", lease.Holder!.PartitionId);
        lease.Release("p1", PartitionOutcome.GaveUp);
        Assert.Null(lease.Holder);
        Assert.False(lease.MayStartPartition);
        _time.Advance(Backoff - TimeSpan.FromMilliseconds(1));
        Assert.False(lease.MayStartPartition);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(lease.MayStartPartition);
    }

    [Fact]
    public void A_node_reserved_by_another_partition_cannot_start_its_own()
    {
        var lease = NewLease();
        lease.Reserve("p1");
        Assert.False(lease.MayStartPartition);
        var e = Assert.Throws<InvalidOperationException>(() => lease.ReserveForOwnEvent("p2", Overload()));
        Assert.Contains("held by p1", e.Message);
    }
}
