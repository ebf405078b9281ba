using System.Collections.Immutable;
using Discovery.Security;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Discovery.Environments;

/// <summary>
/// Fans every VE and VM transition and every ended partition out to the subscribed observers (any silo, any client) and keeps the recent ones.
/// At most <see cref="EventHubLimits.MaxWatchers"/> observers at once: each costs a callback per event.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)] // cluster-wide, in memory: never collected when idle
public sealed class EventHubGrain(EventHubLimits limits, ILogger<EventHubGrain> logger) : Grain, IEventHubGrain
{
    /// <summary>Transitions kept for <see cref="RecentAsync"/>.</summary>
    public const int Kept = 1000;

    /// <summary>An observer that does not renew its subscription within this time is dropped.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(1);

    // Each observer with who subscribed it (null: the cluster's own code, or a cluster without tokens): what it may receive.
    private readonly ObserverManager<IVeEventObserver, Subscription> _observers = new(SubscriptionLifetime, logger);
    private readonly Queue<VeTransition> _recent = new();
    private readonly Queue<Scheduling.PartitionNotice> _partitions = new();
    private Scheduling.SchedulingTotals _totals = Scheduling.SchedulingTotals.None;

    public Task PublishAsync(VeTransition transition)
    {
        _recent.Enqueue(transition);
        while (_recent.Count > Kept) _recent.Dequeue();
        var tenant = VeId.Parse(transition.Ve)?.Tenant;
        _observers.Notify(s => s.Observer.OnTransition(transition), s => s.Caller is not { } c || tenant is null || c.MaySee(tenant));
        return Task.CompletedTask;
    }

    public Task PublishPartitionAsync(Scheduling.PartitionNotice notice)
    {
        _partitions.Enqueue(notice);
        while (_partitions.Count > Kept) _partitions.Dequeue();
        _totals = _totals.With(notice);
        if (_observers.Count > 0) _observers.Notify(s => s.Observer.OnPartition(notice), s => s.Caller is not { Role: Role.Tenant });
        return Task.CompletedTask;
    }

    public Task PublishAuditAsync(AuditEntry entry)
    {
        if (_observers.Count > 0) _observers.Notify(s => s.Observer.OnAudit(entry), s => s.Caller is not { } c || c.Role == Role.Operator);
        return Task.CompletedTask;
    }

    public Task SubscribeAsync(IVeEventObserver observer)
    {
        if (_observers.Count >= limits.MaxWatchers) _observers.ClearExpired(); // those that stopped renewing make room first
        if (_observers.Count >= limits.MaxWatchers && !_observers.Observers.ContainsKey(observer)) // a renewal is never refused
        {
            logger.LogWarning("Event hub: a watcher refused, {Count} subscribed (the limit, Discovery:Events:MaxWatchers)", _observers.Count);
            throw new WatchRefusedException($"the cluster's event hub already has {_observers.Count} watchers, as many as it allows: stop another watch or try again later");
        }
        _observers.Subscribe(observer, new Subscription(observer, CallerContext.Current));
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IVeEventObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private sealed record Subscription(IVeEventObserver Observer, Caller? Caller);

    public Task<ImmutableArray<VeTransition>> RecentAsync(int count) =>
        Task.FromResult(_recent.Skip(Math.Max(0, _recent.Count - count)).ToImmutableArray());

    public Task<ImmutableArray<Scheduling.PartitionNotice>> RecentPartitionsAsync(int count) =>
        Task.FromResult(_partitions.Skip(Math.Max(0, _partitions.Count - count)).ToImmutableArray());

    public Task<Scheduling.SchedulingTotals> TotalsAsync() => Task.FromResult(_totals);
}
