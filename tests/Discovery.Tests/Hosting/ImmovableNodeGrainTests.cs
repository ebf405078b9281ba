#pragma warning disable ORLEANSEXP002 // the activation rebalancer is experimental in Orleans 10
using System.Diagnostics;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Placement.Rebalancing;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;
using Discovery.Tests.Support;

namespace Discovery.Tests.Hosting;

/// <summary>
/// Node grains never migrate: Orleans' activation rebalancer, run on a cluster where one silo holds every
/// activation, moves ordinary grains to the idle silo but none of the node grains, which stay on the silo
/// that drives their hypervisor.
/// </summary>
public sealed class ImmovableNodeGrainTests
{
    [SkippableFact]
    public async Task The_activation_rebalancer_moves_other_grains_but_never_a_node_grain()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        var datacenter = new SimulatedDatacenter(TimeProvider.System);
        var drives = new HypervisorDirectory();
        for (var i = 0; i < 40; i++) drives.Register(datacenter.AddNode($"n{i:00}", Resources.OfCores(4, 8192)), "local");
        var none = new HypervisorDirectory();

        var builder = new InProcessTestClusterBuilder(2);
        await db.UseForAsync(builder);
        builder.Options.UseRealEnvironmentStatistics = true;
        builder.Options.AssumeHomogenousSilosForTesting = true;
        builder.ConfigureSilo((options, silo) =>
        {
            var primary = options.SiloName.EndsWith('0') || options.SiloName == "Primary";
            var directory = primary ? drives : none; // the primary drives every node
            silo.Services.AddSingleton(directory).AddSingleton(datacenter);
            silo.UseSiloMetadata(new Dictionary<string, string> { [HomeSiloPlacement.MetadataKey] = HomeSiloPlacement.Describe(directory.Nodes) });
            silo.AddDiscoveryGrains(TimeProvider.System, new DvmsOptions { Enabled = false }, startMonitoring: false);
            silo.Configure<ActivationRebalancerOptions>(o =>
            {
                o.RebalancerDueTime = TimeSpan.FromSeconds(1);
                o.SessionCyclePeriod = TimeSpan.FromSeconds(2);
            });
            silo.AddActivationRebalancer();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3")); // membership in PostgreSQL
        var primarySilo = cluster.Silos[0];

        // Every node grain on the primary (its directory knows them), then 300 ballast grains placed there too.
        foreach (var node in drives.Nodes) await cluster.Client.GetGrain<INodeGrain>(node).StartMonitoringAsync();
        var ballast = Enumerable.Range(0, 300).Select(i => cluster.Client.GetGrain<IBallastGrain>(i)).ToList();
        foreach (var b in ballast)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, primarySilo.SiloAddress);
            await b.WhereAsync();
        }
        RequestContext.Clear();
        Assert.All(await WhereNodesAre(cluster), silo => Assert.Equal(primarySilo.SiloAddress, silo));

        var rebalancer = primarySilo.ServiceProvider.GetRequiredService<IActivationRebalancer>();
        await rebalancer.ResumeRebalancing();
        // Until the rebalancer has moved a good share of the ballast to the idle silo (it moves at random among what it may move).
        var waited = Stopwatch.StartNew();
        var moved = 0;
        while ((moved = (await Task.WhenAll(ballast.Select(b => b.WhereAsync()))).Count(s => s != primarySilo.SiloAddress.ToString())) < 60)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), $"the rebalancer moved {moved} ballast grains in 90 s");
            await Task.Delay(500);
        }

        Assert.All(await WhereNodesAre(cluster), silo => Assert.Equal(primarySilo.SiloAddress, silo));
        Assert.Equal(40, (await WhereNodesAre(cluster)).Count);
    }

    private static async Task<List<SiloAddress>> WhereNodesAre(InProcessTestCluster cluster)
    {
        var stats = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, null);
        return stats.Where(s => s.GrainId.Type.ToString() == "node").Select(s => s.SiloAddress).ToList();
    }
}

/// <summary>An ordinary, movable grain: the rebalancer's material.</summary>
[Alias("discovery.tests.IBallastGrain")]
public interface IBallastGrain : IGrainWithIntegerKey
{
    [Alias("Where")]
    Task<string> WhereAsync();
}

public sealed class BallastGrain : Grain, IBallastGrain
{
    public Task<string> WhereAsync() => Task.FromResult(ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString());
}
