using Discovery.Client;
using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Model;
using Discovery.Overlay;
using Discovery.Scheduling;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Cluster;

/// <summary>
/// The product's shape: one silo per PoP, one cluster, membership and grain state in a real PostgreSQL. Three
/// sites of three nodes, each driven by its own silo over its own simulated datacentre (its slice of one
/// infrastructure): paris (site-00) and lyon (site-01) in this process, so that the test sets their loads,
/// and rennes (site-02) in a process of its own, so that it can be killed for real.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class MultiSiteClusterTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private static string[] Settings(PostgreSqlDatabase db, int slice, int gateway) =>
    [
        "Clustering=PostgreSql", "Storage=PostgreSql", $"ConnectionString={db.ConnectionString}", "ClusterId=pops", $"Site=site-0{slice}",
        $"GatewayPort={gateway}",
        "Simulated:Nodes=9", "Simulated:Sites=3", "Simulated:Slices=3", $"Simulated:Slice={slice}", "Simulated:LoadInjector=false", "Simulated:Speedup=2",
        // The seed's least-memory objective, so that each plan below is the one optimum; leases long enough for a loaded CI machine.
        "Scheduling:HeadroomTarget=0", "Scheduling:LeaseTimeoutSeconds=5",
        "Scheduling:SiteDistances:site-00:site-01=1", "Scheduling:SiteDistances:site-00:site-02=2", "Scheduling:SiteDistances:site-01:site-02=1",
    ];

    private static VmSpec Vm(string name) => new(name, 1, 512, "debian-12", 50);

    [SkippableFact]
    public async Task Three_silos_share_one_overlay_cross_sites_only_when_a_site_is_full_and_recover_from_a_killed_silo()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        var gateways = new[] { FreePort(), FreePort(), FreePort() };

        // Rennes first, alone: the VEs submitted now can only land on its nodes.
        var rennesArgs = Settings(db, 2, gateways[2]).Select(s => "--Discovery:" + s)
            .Concat([$"--Discovery:Urls=http://127.0.0.1:{FreePort()}", $"--Discovery:SiloPort={FreePort()}", "--Logging:LogLevel:Default=Warning"]).ToArray();
        var rennes = StartSilo(rennesArgs);
        try
        {
            await using (var early = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Gateways = [$"127.0.0.1:{gateways[2]}"], ClusterId = "pops" }))
            {
                await InProcessSilo.WaitUntil(async () => (await early.ListNodesAsync()).Count == 3, "rennes's three nodes in the directory", Long);
                for (var i = 0; i < 4; i++)
                    Assert.Equal(VeState.Running, (await early.SubmitAsync($"alice/ve{i}", new VeSpec("", [Vm("a"), Vm("b")], [new Spread(["a", "b"])]))).State);
            }

            await using var paris = await InProcessSilo.StartAsync(Settings(db, 0, gateways[0]));
            await using var lyon = await InProcessSilo.StartAsync(Settings(db, 1, gateways[1]));
            var overlay = paris.Services.GetRequiredService<ClusterOverlay>();
            await InProcessSilo.WaitUntil(() => Task.FromResult(overlay.Current.Count == 9 && lyon.Services.GetRequiredService<ClusterOverlay>().Current.Count == 9),
                "both silos' overlays hold all nine nodes", Long);
            Assert.Equal(3, await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'pops' AND Status = 3"));
            Assert.Equal(["node-0000", "node-0001", "node-0002"], paris.Datacenter.Hypervisors.Select(h => h.Node));
            Assert.Equal(["node-0003", "node-0004", "node-0005"], lyon.Datacenter.Hypervisors.Select(h => h.Node));

            // Paris is full: node-0000 asks 1000 of 800, its two neighbours 800 each. Its partition goes round paris, then
            // to lyon (nearer than rennes), entered at its first node: two VMs cross, the fewest bytes possible.
            foreach (var dc in new[] { paris.Datacenter, lyon.Datacenter })
                foreach (var h in dc.Hypervisors)
                    foreach (var vm in await h.ListVmsAsync())
                        dc.SetDemand(vm.Id, h.Node switch { "node-0000" => 100, "node-0001" or "node-0002" => 80, _ => 10 });
            var parisJournal = paris.Services.GetRequiredService<PlanJournal>();
            await InProcessSilo.WaitUntil(() => Task.FromResult(parisJournal.Reports.Any(r => r.Outcome == PartitionOutcome.Solved)
                && paris.Datacenter.GetTotals().OverloadedNodes == 0 && lyon.Datacenter.GetTotals().MigrationsInFlight == 0), "paris's overload solved", Long);
            var crossing = Assert.Single(parisJournal.Reports, r => r.Outcome == PartitionOutcome.Solved);
            Assert.Equal(["node-0000", "node-0001", "node-0002", "node-0003"], crossing.Nodes.Order(StringComparer.Ordinal));
            Assert.Equal(2, crossing.Migrations);
            var plan = Assert.Single(parisJournal.Plans);
            Assert.Equal([("node-0000", "node-0003"), ("node-0000", "node-0003")], plan.Result.Plan.Migrations.Select(m => (m.From, m.To)));
            Assert.All(plan.Result.Plan.Migrations, m => Assert.True(plan.Problem.CrossesSites(m.From, m.To)));
            Assert.Equal(8, (await paris.Datacenter["node-0000"].ListVmsAsync()).Count);
            Assert.Equal(12, (await lyon.Datacenter["node-0003"].ListVmsAsync()).Count);
            Assert.Equal(2, lyon.Datacenter.GetTotals().MigrationsCompleted); // both landed in lyon's datacentre (counted there)
            Assert.Equal(0, paris.Datacenter.GetTotals().MigrationsCompleted);

            // Lyon has room: node-0004's partition stays in lyon, two VMs to node-0005.
            foreach (var vm in await lyon.Datacenter["node-0004"].ListVmsAsync()) lyon.Datacenter.SetDemand(vm.Id, 100);
            var lyonJournal = lyon.Services.GetRequiredService<PlanJournal>();
            await InProcessSilo.WaitUntil(() => Task.FromResult(lyonJournal.Reports.Any(r => r.Outcome == PartitionOutcome.Solved)
                && lyon.Datacenter.GetTotals() is { OverloadedNodes: 0, MigrationsInFlight: 0 }), "lyon's overload solved", Long);
            var inside = Assert.Single(lyonJournal.Reports, r => r.Outcome == PartitionOutcome.Solved);
            Assert.Equal(["node-0004", "node-0005"], inside.Nodes.Order(StringComparer.Ordinal));
            Assert.Equal([("node-0004", "node-0005"), ("node-0004", "node-0005")], Assert.Single(lyonJournal.Plans).Result.Plan.Migrations.Select(m => (m.From, m.To)));

            // A client that knows only the gateway list.
            await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
            {
                Gateways = [.. gateways.Select(g => $"127.0.0.1:{g}")],
                ClusterId = "pops",
            });
            Assert.Equal(9, (await client.ListNodesAsync()).Count);
            var before = new Dictionary<string, VeView>();
            for (var i = 0; i < 4; i++) before[$"alice/ve{i}"] = await client.GetVeAsync($"alice/ve{i}");
            Assert.All(before.Values.SelectMany(v => v.Vms), vm => Assert.Contains(vm.Host, new[] { "node-0006", "node-0007", "node-0008" }));

            // Kill rennes. Membership declares it dead, its nodes leave both overlays, stand-ins report them down,
            // and every VE is running again on paris and lyon, each VM exactly once.
            rennes.Process.Kill(entireProcessTree: true);
            await InProcessSilo.WaitUntil(() => Task.FromResult(overlay.Current.Count == 6 && lyon.Services.GetRequiredService<ClusterOverlay>().Current.Count == 6),
                "rennes's nodes out of both overlays", Long);
            Assert.False(overlay.Current.Contains("node-0006"));
            await InProcessSilo.WaitUntil(async () =>
            {
                foreach (var key in before.Keys)
                    if (await client.GetVeAsync(key) is not { State: VeState.Running, Operation: null } v
                        || v.Vms.Any(vm => vm.State != VmState.Running || vm.Host is null or "node-0006" or "node-0007" or "node-0008"))
                        return false;
                return true;
            }, "every VE running again on paris and lyon", Long);
            Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'pops' AND Status = 6"));
            var hosted = new List<string>();
            foreach (var dc in new[] { paris.Datacenter, lyon.Datacenter })
                foreach (var h in dc.Hypervisors) hosted.AddRange((await h.ListVmsAsync()).Where(v => v.Id.StartsWith("alice.", StringComparison.Ordinal)).Select(v => v.Id));
            Assert.Equal(before.Values.SelectMany(v => v.Vms).Select(v => v.Id).Order(StringComparer.Ordinal), hosted.Order(StringComparer.Ordinal));
            Assert.Equal(before.Keys.Select(k => new VeSummary(k, VeState.Running)), (await client.ListVesAsync()).AsEnumerable());
            Assert.Equal(4, await db.ScalarAsync("SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 've' AND PayloadBinary IS NOT NULL"));
            // Every one of rennes's nodes is marked down by its stand-in, a VE on it or not: a VE running again says only that
            // the nodes of its own VMs are down, and each stand-in counts its grace from its own activation.
            var directory = paris.Services.GetRequiredService<IGrainFactory>().NodeDirectory();
            await InProcessSilo.WaitUntil(async () => (await directory.DownAsync()).Length == 3, "rennes's three nodes marked down", Long);
            Assert.Equal(["node-0006", "node-0007", "node-0008"], (await directory.DownAsync()).AsEnumerable());

            // Rennes restarts: its node grains leave their stand-ins and live on it again; its nodes are back in the overlay.
            rennes.Dispose();
            rennes = StartSilo(rennesArgs);
            await InProcessSilo.WaitUntil(() => Task.FromResult(overlay.Current.Count == 9), "rennes's nodes back in the overlay", Long);
            var management = paris.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            var local = new[] { paris.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress, lyon.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress };
            await InProcessSilo.WaitUntil(async () =>
            {
                var nodes = (await management.GetDetailedGrainStatistics()).Where(s => s.GrainId.Key.ToString() is "node-0006" or "node-0007" or "node-0008").ToList();
                return nodes.Count == 3 && nodes.All(s => !local.Contains(s.SiloAddress));
            }, "rennes's three node grains on the restarted rennes", Long);
            await InProcessSilo.WaitUntil(async () =>
                (await paris.Services.GetRequiredService<IGrainFactory>().GetGrain<INodeDirectoryGrain>(0).DownAsync()).IsEmpty, "rennes's nodes no longer down", Long);
        }
        finally
        {
            rennes.Dispose();
        }
    }
}
