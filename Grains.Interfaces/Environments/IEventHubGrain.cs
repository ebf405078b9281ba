using Discovery.Security;
using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Discovery.Environments;

/// <summary>
/// Where every VE and VM transition is published (key 0): clients on any silo subscribe an
/// observer (and renew it, as Orleans observers expire), or read the recent ones.
/// </summary>
[Alias("discovery.IEventHubGrain")]
public interface IEventHubGrain : IGrainWithIntegerKey
{
    /// <summary>Publishes <paramref name="transition"/> to every subscriber and keeps it among the recent ones.</summary>
    [Alias("Publish"), OneWay]
    Task PublishAsync(VeTransition transition);

    /// <summary>Publishes a scheduling event (a partition that ended) to every subscriber, keeps it among the recent ones and counts it.</summary>
    [Alias("PublishPartition"), OneWay]
    Task PublishPartitionAsync(Scheduling.PartitionNotice notice);

    /// <summary>Publishes an audited call to the operators who watch.</summary>
    [Alias("PublishAudit"), OneWay]
    Task PublishAuditAsync(AuditEntry entry);

    /// <summary>
    /// Subscribes (or renews) <paramref name="observer"/>. A tenant's observer receives its own VEs' transitions only; audit
    /// entries go to operators; partitions to operators and readers.
    /// </summary>
    [ClientAccess(Access.Watch)]
    [Alias("Subscribe")]
    Task SubscribeAsync(IVeEventObserver observer);

    /// <summary>Unsubscribes <paramref name="observer"/>.</summary>
    [ClientAccess(Access.Watch)]
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IVeEventObserver observer);

    /// <summary>The last <paramref name="count"/> transitions, oldest first.</summary>
    [Alias("Recent"), AlwaysInterleave]
    Task<ImmutableArray<VeTransition>> RecentAsync(int count);

    /// <summary>The last <paramref name="count"/> partitions that ended, oldest first.</summary>
    [Alias("RecentPartitions"), AlwaysInterleave]
    Task<ImmutableArray<Scheduling.PartitionNotice>> RecentPartitionsAsync(int count);

    /// <summary>Partitions ended since the hub started, by outcome, and their migrations.</summary>
    [Alias("Totals"), AlwaysInterleave]
    Task<Scheduling.SchedulingTotals> TotalsAsync();
}
