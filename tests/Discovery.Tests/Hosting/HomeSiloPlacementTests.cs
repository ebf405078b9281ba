using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using Discovery.Tests.Support;

namespace Discovery.Tests.Hosting;

/// <summary>Two silos, each driving its own PoP's nodes: every node grain lands where its hypervisor is.</summary>
public sealed class HomeSiloPlacementTests
{
    [SkippableFact]
    public async Task Each_node_grain_runs_on_the_silo_that_drives_its_hypervisor()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        var clock = TimeProvider.System;
        (SimulatedDatacenter Dc, HypervisorDirectory Directory) Pop(string prefix)
        {
            var dc = new SimulatedDatacenter(clock);
            var directory = new HypervisorDirectory();
            for (var i = 0; i < 3; i++) directory.Register(dc.AddNode($"{prefix}{i}", Resources.OfCores(4, 8192), prefix), prefix);
            return (dc, directory);
        }
        var pops = new[] { Pop("paris-"), Pop("lyon-") };

        var builder = new InProcessTestClusterBuilder(2);
        await db.UseForAsync(builder);
        builder.ConfigureSilo((options, silo) =>
        {
            var (_, directory) = pops[options.SiloName.EndsWith('0') || options.SiloName == "Primary" ? 0 : 1];
            silo.Services.AddSingleton(directory);
            silo.UseSiloMetadata(new Dictionary<string, string> { [HomeSiloPlacement.MetadataKey] = HomeSiloPlacement.Describe(directory.Nodes) });
            silo.AddDiscoveryGrains(clock, new DvmsOptions { Enabled = false });
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3")); // membership in PostgreSQL

        // Silo metadata propagates asynchronously: wait until every silo sees every other silo's node list.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!cluster.Silos.All(s => cluster.Silos.All(other =>
                   s.ServiceProvider.GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(other.SiloAddress).Metadata.ContainsKey(HomeSiloPlacement.MetadataKey))))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "silo metadata did not propagate");
            await Task.Delay(100);
        }

        // Then every node grain is placed right the first time (random placement would miss half of them).
        foreach (var node in pops.SelectMany(p => p.Directory.Nodes))
        {
            var snapshot = await cluster.Client.GetGrain<INodeGrain>(node).GetSnapshotAsync();
            Assert.Equal(node, snapshot.Node);
            Assert.Equal(node[..node.IndexOf('-')] + "-", snapshot.Site);
        }

        // And each activation sits on the silo whose directory holds the node.
        var stats = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, null);
        var placed = stats.Where(s => s.GrainId.Type.ToString() == "node").ToList(); // not "nodedirectory"
        Assert.Equal(6, placed.Count);
        foreach (var activation in placed)
        {
            var node = activation.GrainId.Key.ToString()!;
            var silo = cluster.Silos.Single(s => s.SiloAddress.Equals(activation.SiloAddress));
            Assert.True(silo.ServiceProvider.GetRequiredService<HypervisorDirectory>().Contains(node), $"{node} runs on {silo.Name}");
        }
        Assert.Equal(2, placed.Select(p => p.SiloAddress).Distinct().Count());
    }
}
