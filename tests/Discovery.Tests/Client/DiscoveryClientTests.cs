using System.Net;
using System.Net.Sockets;
using Discovery.Client;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Overlay;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Client;

/// <summary>The client library against an in-process cluster (nodes n0..n3 over the simulated hypervisor): every VE operation and error path.</summary>
[Collection(DvmsCollection.Name)]
public sealed class DiscoveryClientTests
{
    private const string Shop = """
        // a small shop
        web[1..2] : small;
        db1 : {vcpus: 2, memory: 2GiB, image: "postgres-16"};
        spread(web[1..2]);
        """;

    private static async Task<(DvmsCluster Cluster, DiscoveryClient Client)> StartAsync()
    {
        var c = await DvmsCluster.StartAsync([Vms(1, 50), Vms(1, 50), Vms(1, 50), Vms(1, 50)]);
        await c.WaitUntilAsync(async () => (await c.Grains.GetGrain<INodeDirectoryGrain>(0).NodesAsync()).Length == 4, "every node in the directory");
        return (c, DiscoveryClient.FromCluster(c.Cluster.Client));
    }

    [Fact]
    public async Task A_ve_submitted_as_text_is_operated_listed_and_deleted()
    {
        var (c, client) = await StartAsync();
        await using var _ = c;

        var ve = await client.SubmitAsync("alice/shop", Shop, "shop.ve");
        Assert.Equal(VeState.Running, ve.State);
        Assert.Equal(["alice.shop.web1", "alice.shop.web2", "alice.shop.db1"], ve.Vms.Select(v => v.Id));
        Assert.NotEqual(ve.Vms[0].Host, ve.Vms[1].Host);
        Assert.Equal([new VeSummary("alice/shop", VeState.Running)], (await client.ListVesAsync("alice")).AsEnumerable());
        Assert.Empty(await client.ListVesAsync("bob"));

        Assert.Equal(VeState.Suspended, (await client.SuspendAsync("alice/shop")).State);
        Assert.Equal(VeState.Running, (await client.ResumeAsync("alice/shop")).State);
        Assert.Equal(VeState.Stopped, (await client.StopAsync("alice/shop")).State);
        Assert.Equal(VeState.Running, (await client.StartAsync("alice/shop")).State);
        Assert.Equal(VeState.Running, (await client.GetVeAsync("alice/shop")).State);
        Assert.Equal(VeState.Deleted, (await client.DeleteAsync("alice/shop")).State);
        Assert.Empty(await client.ListVesAsync());

        var nodes = await client.ListNodesAsync();
        Assert.Equal(["n0", "n1", "n2", "n3"], nodes.Select(n => n.Node));
        Assert.All(nodes, n => Assert.False(n.Down));
    }

    [Fact]
    public async Task Every_error_path_has_its_typed_exception()
    {
        var (c, client) = await StartAsync();
        await using var _ = c;

        var text = await Assert.ThrowsAsync<DiscoveryInvalidInputException>(() =>
            client.SubmitAsync("alice/bad", "web1 : small;\nban({web1}, {n9});\nspread({web7});", "bad.ve"));
        Assert.Equal([new InputProblem("bad.ve", 2, 13, "ban: unknown node n9"), new InputProblem("bad.ve", 3, 8, "spread: undeclared VM web7")], text.Problems.AsEnumerable());
        var spec = await Assert.ThrowsAsync<DiscoveryInvalidInputException>(() =>
            client.SubmitAsync("alice/bad", new VeSpec("", [new VmSpec("a", 0, 512, "img")], [])));
        Assert.Equal([new InputProblem("vms[0].vcpus", null, null, "must be positive, got 0")], spec.Problems.AsEnumerable());
        Assert.Empty(await client.ListVesAsync());

        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.GetVeAsync("alice/none"));
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.StopAsync("alice/none"));
        await client.SubmitAsync("alice/shop", Shop);
        Assert.Equal("VE alice/shop already exists (Running): delete it before submitting it again",
            (await Assert.ThrowsAsync<DiscoveryConflictException>(() => client.SubmitAsync("alice/shop", Shop))).Message);
        await client.StopAsync("alice/shop");
        Assert.Equal("Resume alice/shop: the VE is stopped: start it",
            (await Assert.ThrowsAsync<DiscoveryConflictException>(() => client.ResumeAsync("alice/shop"))).Message);
    }

    [Fact]
    public async Task Watching_yields_transitions_on_any_silo_until_cancelled_and_faults_are_injected()
    {
        var (c, client) = await StartAsync();
        await using var _ = c;
        using var stop = new CancellationTokenSource();
        var seen = new List<VeTransition>();
        var subscribed = new TaskCompletionSource();
        var watching = Task.Run(async () =>
        {
            var events = client.WatchAsync(stop.Token).GetAsyncEnumerator(stop.Token);
            subscribed.SetResult();
            try
            {
                while (await events.MoveNextAsync())
                    lock (seen) seen.Add(events.Current);
            }
            catch (OperationCanceledException) { }
            finally { await events.DisposeAsync(); }
        });
        await subscribed.Task;
        var pings = 0;
        await c.WaitUntilAsync(async () =>
        {
            lock (seen) if (seen.Count > 0) return true;
            // Until one is seen: the subscription is then in place. Idle (cpu: 0%), so that however many land, n0's overload is the same.
            await client.SubmitAsync($"alice/ping{pings++}", "p1 : {vcpus: 1, memory: 512MiB, cpu: 0%};");
            return false;
        }, "the subscription in place");
        await client.SubmitAsync("alice/watched", "w1 : tiny;");
        await c.WaitUntilAsync(() => { lock (seen) return seen.Count(t => t.Ve == "alice/watched") == 3; }, "the VE's and the VM's transitions");
        lock (seen)
            Assert.Equal(["(VE) Pending->Running", "(VE) none->Pending", "w1 Stopped->Running"],
                seen.Where(t => t.Ve == "alice/watched").Select(t => $"{t.Vm ?? "(VE)"} {t.From}->{t.To}").Order(StringComparer.Ordinal));

        var vm = (await client.GetVeAsync("alice/watched")).Vms[0];
        await client.CrashVmAsync(vm.Host!, vm.Id);
        await c.WaitUntilAsync(() => { lock (seen) return seen.Any(t => t.Vm == "w1" && t.To == "Crashed"); }, "the crash seen");
        Assert.Equal($"[{vm.Host}] crash 'nope': no such VM on node {vm.Host}",
            (await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => client.CrashVmAsync(vm.Host!, "nope"))).Message);
        stop.Cancel();
        await watching;
    }

    [Fact]
    public async Task Scheduling_events_are_watched_too()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(5, 50), Vms(1, 10)]);
        var client = DiscoveryClient.FromCluster(c.Cluster.Client);
        using var stop = new CancellationTokenSource();
        var seen = new List<object>();
        var events = client.WatchAllAsync(announceSubscription: true, stop.Token).GetAsyncEnumerator(stop.Token);
        var watching = Task.Run(async () =>
        {
            try
            {
                while (await events.MoveNextAsync())
                    lock (seen) seen.Add(events.Current);
            }
            catch (OperationCanceledException) { }
        });
        // The stream says when its subscription is in place: from then on nothing published is missed. Then n0 is overloaded.
        await c.WaitUntilAsync(() =>
        {
            if (watching.IsFaulted) throw watching.Exception!; // a failed subscription says why instead of timing out
            lock (seen) return Task.FromResult(seen.OfType<WatchSubscribed>().Any());
        }, "the subscription in place");
        for (var j = 0; j < 5; j++) c.Datacenter.SetDemand($"v0-{j}", 100); // 500 of 400: overloaded
        List<Discovery.Scheduling.PartitionNotice> notices() { lock (seen) return [.. seen.OfType<Discovery.Scheduling.PartitionNotice>()]; }

        await c.WaitUntilAsync(() => notices().Count == 1, "the partition's notice");
        var notice = notices()[0];
        Assert.Equal(("n0", EventKind.Overload, Discovery.Scheduling.PartitionOutcome.Solved, 2, 1), (notice.Node, notice.Kind, notice.Outcome, notice.Nodes, notice.Migrations));
        stop.Cancel();
        await watching;
        await events.DisposeAsync();
    }

    [Fact]
    public async Task Connecting_where_no_silo_listens_fails_with_one_message_after_the_timeout()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var e = await Assert.ThrowsAsync<DiscoveryUnavailableException>(() =>
            DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { GatewayPort = port, ConnectTimeout = TimeSpan.FromSeconds(2) }));
        Assert.Equal($"no Discovery silo answered on localhost gateway port {port} within 2 s (cluster 'discovery'): is one running?", e.Message);
        var listed = await Assert.ThrowsAsync<DiscoveryUnavailableException>(() =>
            DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Gateways = [$"127.0.0.1:{port}"], ConnectTimeout = TimeSpan.FromSeconds(2) }));
        Assert.Equal($"no Discovery silo answered on gateways 127.0.0.1:{port} within 2 s (cluster 'discovery'): is one running?", listed.Message);
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Gateways = ["paris-1"] }));
        Assert.StartsWith("gateway 'paris-1' is not host:port (e.g. 127.0.0.1:30000)", bad.Message);
    }
}
