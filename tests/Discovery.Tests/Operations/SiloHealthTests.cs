using System.Net;
using System.Reflection;
using Discovery.Hypervisors;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Silo.Operations;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Discovery.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Operations;

/// <summary>
/// <see cref="SiloHealth"/>: the verdict from membership and from what monitoring last saw of each hypervisor, each reason in
/// words, on a fake clock; no check ever calls a hypervisor.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class SiloHealthTests
{
    /// <summary>This silo as another address: one the cluster has never seen, which its membership reports Dead.</summary>
    private sealed class Stranger : ILocalSiloDetails
    {
        public string Name => "stranger";
        public string ClusterId => "dev";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress { get; } = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1);
        public SiloAddress GatewayAddress => SiloAddress;
    }

    /// <summary>A hypervisor that counts every call made to it (its node's name aside) and answers none.</summary>
    public class CountingHypervisor : DispatchProxy
    {
        public string Node = "";
        public int Calls;

        public static (IHypervisor Hypervisor, CountingHypervisor Counter) For(string node)
        {
            var proxy = Create<IHypervisor, CountingHypervisor>();
            var counter = (CountingHypervisor)(object)proxy;
            counter.Node = node;
            return (proxy, counter);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == "get_Node") return Node;
            Interlocked.Increment(ref Calls);
            throw new InvalidOperationException($"health asked the hypervisor of {Node}: {targetMethod?.Name}");
        }
    }

    [Fact]
    public async Task The_verdict_comes_from_monitorings_last_readings_with_their_age_and_never_from_a_hypervisor()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0)]);
        var services = c.Cluster.Silos[0].ServiceProvider;
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var local = services.GetRequiredService<ILocalSiloDetails>();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var clock = new InfrastructureClock(time);
        var options = new DvmsOptions { MonitoringPeriod = TimeSpan.FromSeconds(1), NodeDownGrace = TimeSpan.FromSeconds(10) };
        var directory = new HypervisorDirectory();
        var counters = new List<CountingHypervisor>();
        foreach (var node in new[] { "n0", "n1", "n2" })
        {
            var (h, counter) = CountingHypervisor.For(node);
            directory.Register(h, "local");
            counters.Add(counter);
        }
        var readings = new MonitoringReadings();
        var health = new SiloHealth(membership, local, directory, readings, clock, options);

        var unread = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("unhealthy", 0, (double?)null), (unread.Status, unread.Answering, unread.OldestReadingSeconds));
        Assert.Equal(["none of its 3 hypervisor(s) answers", "monitoring has not read 3 of them within 10 s: n0, n1, n2"], unread.Reasons);

        foreach (var node in new[] { "n0", "n1", "n2" }) readings.Record(node, true, clock.Now);
        time.Advance(TimeSpan.FromSeconds(0.5));
        readings.Record("n0", true, clock.Now);
        var healthy = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("healthy", true, "Active", 3, 3, 0.5), (healthy.Status, healthy.Member, healthy.SiloStatus, healthy.Hypervisors, healthy.Answering, healthy.OldestReadingSeconds));
        Assert.Empty(healthy.NotAnswering);
        Assert.Empty(healthy.Reasons);

        // A silo that drives no hypervisor is not unhealthy for it.
        var none = await new SiloHealth(membership, local, new HypervisorDirectory(), readings, clock, options).CheckAsync(CancellationToken.None);
        Assert.Equal(("healthy", 0, 0, (double?)null), (none.Status, none.Hypervisors, none.Answering, none.OldestReadingSeconds));

        var stranger = new Stranger();
        var outsider = await new SiloHealth(membership, stranger, directory, readings, clock, options).CheckAsync(CancellationToken.None);
        Assert.Equal(("unhealthy", false, "Dead", 3), (outsider.Status, outsider.Member, outsider.SiloStatus, outsider.Answering));
        Assert.Equal([$"silo {stranger.SiloAddress} is Dead in the cluster, not Active"], outsider.Reasons);

        time.Advance(TimeSpan.FromSeconds(1));
        readings.Record("n1", false, clock.Now, "connection refused");
        readings.Record("n0", true, clock.Now);
        readings.Record("n2", true, clock.Now);
        var degraded = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("degraded", 2), (degraded.Status, degraded.Answering));
        Assert.Equal(["n1"], degraded.NotAnswering);
        Assert.Equal(["1 of its 3 hypervisor(s) do not answer: n1"], degraded.Reasons);

        // Monitoring stuck: a reading older than the grace counts as no answer.
        time.Advance(TimeSpan.FromSeconds(10));
        readings.Record("n0", true, clock.Now);
        var atGrace = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("degraded", 2, 10.0), (atGrace.Status, atGrace.Answering, atGrace.OldestReadingSeconds));
        Assert.Equal(["1 of its 3 hypervisor(s) do not answer: n1"], atGrace.Reasons);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var stale = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("degraded", 1, 10.1), (stale.Status, stale.Answering, stale.OldestReadingSeconds));
        Assert.Equal(["n1", "n2"], stale.NotAnswering);
        Assert.Equal(["2 of its 3 hypervisor(s) do not answer: n1, n2", "monitoring has not read 2 of them within 10 s: n1, n2"], stale.Reasons);

        for (var i = 0; i < 1000; i++) await health.CheckAsync(CancellationToken.None);
        Assert.Equal([0, 0, 0], counters.Select(k => k.Calls));
    }

    [Fact]
    public async Task Monitoring_keeps_its_readings_fresh_on_quiet_nodes_and_records_a_crashed_one()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0), Vms(0, 0)], fakeClock: new());
        var services = c.Cluster.Silos[0].ServiceProvider;
        var readings = services.GetRequiredService<MonitoringReadings>();
        var clock = services.GetRequiredService<InfrastructureClock>();
        var start = clock.Now;
        // Quiet nodes wake no grain: the in-memory pass's own reading keeps them fresh, period after period.
        await c.WaitUntilAsync(() => readings.Last("n0") is { Answered: true } r0 && r0.At >= start + TimeSpan.FromSeconds(5)
                                     && readings.Last("n1") is { Answered: true } r1 && r1.At >= start + TimeSpan.FromSeconds(5), "both nodes read 5 s on");

        c.Datacenter.CrashNode("n1");

        await c.WaitUntilAsync(() => readings.Last("n1") is { Answered: false }, "n1 read as not answering");
        Assert.True(readings.Last("n0")!.Answered);
    }
}
