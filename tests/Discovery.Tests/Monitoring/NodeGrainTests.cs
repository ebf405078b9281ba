using Discovery.Constraints;
using Discovery.Monitoring;
using Discovery.Placement;
using Discovery.Placement.Checking;
using Discovery.Hosting;
using Discovery.Scheduling;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Simulated;
using Discovery.Model;
using Discovery.Solving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Discovery.Tests.Monitoring;

/// <summary>The node grain reads its node's hypervisor inside a real (in-process) Orleans cluster.</summary>
public sealed class NodeGrainTests
{
    [Fact]
    public async Task Snapshot_reports_the_simulated_node()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var dc = new SimulatedInfrastructure { Nodes = 4, VmsPerNode = 3 }.Build(clock);
        dc.SetDemand("vm-00000", 90);
        var directory = new HypervisorDirectory();
        foreach (var h in dc.Hypervisors) directory.Register(h, h.Site);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(directory);
            // Monitoring timers run on the fake clock, which this test never advances.
            silo.AddMemoryGrainStorage(Discovery.Environments.VeGrain.StorageName);
            silo.AddDiscoveryGrains(clock, new DvmsOptions());
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var snapshot = await cluster.Client.GetGrain<INodeGrain>("node-0000").GetSnapshotAsync();

        Assert.Equal("node-0000", snapshot.Node);
        Assert.Equal("site-00", snapshot.Site);
        Assert.Equal(Resources.OfCores(8, 32768), snapshot.Capacity);
        Assert.Equal(3, snapshot.Vms.Length);
        Assert.All(snapshot.Vms, v => Assert.Equal(VmState.Running, v.State));
        Assert.Equal(90, snapshot.Vms.Single(v => v.Id == "vm-00000").CpuDemand);
        Assert.Equal(clock.GetUtcNow(), snapshot.At);

        // The solver grain (a stateless worker) solves a problem built from live snapshots.
        var snapshots = await Task.WhenAll(dc.Hypervisors.Select(h => cluster.Client.GetGrain<INodeGrain>(h.Node).GetSnapshotAsync()));
        var problem = PlacementProblem.FromSnapshots(snapshots, [new Offline(["node-0000"])]);
        var result = await cluster.Client.GetGrain<ISolverGrain>(0).SolveAsync(problem, SolverOptions.Default);
        Assert.True(result.IsSolved, result.Detail);
        Assert.Equal(3, result.Migrations);
        Assert.Empty(PlacementChecker.CheckPlan(problem, result.Target, result.Plan));
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.GetGrain<ISolverGrain>(0).SolveAsync(problem, SolverOptions.Default, (SolverKind)42));
    }
}
