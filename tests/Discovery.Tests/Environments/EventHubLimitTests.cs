using Discovery.Client;
using Discovery.Environments;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Environments;

/// <summary>The event hub takes at most <see cref="EventHubLimits.MaxWatchers"/> watchers; the next is refused with a clear error.</summary>
[Collection(DvmsCollection.Name)]
public sealed class EventHubLimitTests
{
    [Fact]
    public async Task The_watcher_past_the_limit_is_refused_and_admitted_once_another_leaves()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0)], new Discovery.Scheduling.DvmsOptions { Enabled = false }, fakeClock: new(),
            configure: silo => silo.Services.AddSingleton(new EventHubLimits { MaxWatchers = 2 }));
        var client = DiscoveryClient.FromCluster(c.Cluster.Client);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stopFirst = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);

        var first = client.WatchAllAsync(announceSubscription: true, stopFirst.Token).GetAsyncEnumerator(stopFirst.Token);
        var second = client.WatchAllAsync(announceSubscription: true, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await first.MoveNextAsync());
        Assert.True(await second.MoveNextAsync());
        Assert.IsType<WatchSubscribed>(second.Current);

        var third = client.WatchAllAsync(announceSubscription: true, stop.Token).GetAsyncEnumerator(stop.Token);
        var refused = await Assert.ThrowsAsync<DiscoveryUnavailableException>(async () => await third.MoveNextAsync());
        Assert.Equal("the cluster's event hub already has 2 watchers, as many as it allows: stop another watch or try again later", refused.Message);
        await third.DisposeAsync();

        // Straight at the grain, as any client could: refused the same.
        var observer = c.Cluster.Client.CreateObjectReference<IVeEventObserver>(new NoObserver());
        await Assert.ThrowsAsync<WatchRefusedException>(() => c.Grains.GetGrain<IEventHubGrain>(0).SubscribeAsync(observer));

        await stopFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => { while (await first.MoveNextAsync()) { } });
        await first.DisposeAsync(); // unsubscribes

        await c.Grains.GetGrain<IEventHubGrain>(0).SubscribeAsync(observer);
        await c.Grains.GetGrain<IEventHubGrain>(0).SubscribeAsync(observer); // its renewal
        await second.DisposeAsync();
    }

    private sealed class NoObserver : IVeEventObserver
    {
        public void OnTransition(VeTransition transition) { }

        public void OnPartition(Discovery.Scheduling.PartitionNotice notice) { }

        public void OnAudit(Discovery.Security.AuditEntry entry) { }
    }
}
