using System.Net;
using Discovery.Hypervisors;
using Discovery.Scheduling;
using Discovery.Silo.Operations;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Operations;

/// <summary><see cref="SiloHealth"/>: the verdict from membership and from the hypervisors that answer, each reason in words.</summary>
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

    [Fact]
    public async Task Healthy_then_degraded_then_unhealthy_as_hypervisors_stop_answering_and_unhealthy_when_not_an_active_member()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0), Vms(0, 0), Vms(0, 0)]);
        var services = c.Cluster.Silos[0].ServiceProvider;
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var directory = services.GetRequiredService<HypervisorDirectory>();
        var options = services.GetRequiredService<DvmsOptions>();
        var health = new SiloHealth(membership, services.GetRequiredService<ILocalSiloDetails>(), directory, options);

        var healthy = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("healthy", true, "Active", 3, 3), (healthy.Status, healthy.Member, healthy.SiloStatus, healthy.Hypervisors, healthy.Answering));
        Assert.Empty(healthy.NotAnswering);
        Assert.Empty(healthy.Reasons);

        // A silo that drives no hypervisor is not unhealthy for it.
        var none = await new SiloHealth(membership, services.GetRequiredService<ILocalSiloDetails>(), new HypervisorDirectory(), options).CheckAsync(CancellationToken.None);
        Assert.Equal(("healthy", 0, 0), (none.Status, none.Hypervisors, none.Answering));

        var stranger = new Stranger();
        var outsider = await new SiloHealth(membership, stranger, directory, options).CheckAsync(CancellationToken.None);
        Assert.Equal(("unhealthy", false, "Dead", 3), (outsider.Status, outsider.Member, outsider.SiloStatus, outsider.Answering));
        Assert.Equal([$"silo {stranger.SiloAddress} is Dead in the cluster, not Active"], outsider.Reasons);

        c.Datacenter.CrashNode("n1");
        var degraded = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("degraded", 2), (degraded.Status, degraded.Answering));
        Assert.Equal(["n1"], degraded.NotAnswering);
        Assert.Equal(["1 of its 3 hypervisor(s) do not answer: n1"], degraded.Reasons);

        c.Datacenter.CrashNode("n0");
        c.Datacenter.CrashNode("n2");
        var unhealthy = await health.CheckAsync(CancellationToken.None);
        Assert.Equal(("unhealthy", true, 0), (unhealthy.Status, unhealthy.Member, unhealthy.Answering));
        Assert.Equal(["none of its 3 hypervisor(s) answers"], unhealthy.Reasons);
    }
}
