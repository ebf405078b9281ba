using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Model;
using Discovery.Overlay;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Environments;

/// <summary>
/// A silo dies with VE grains on it: with their state in PostgreSQL, they reactivate on the survivor
/// and reconcile with what the hypervisors run. Two in-process silos share 8 simulated nodes.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class SiloKillTests
{
    private const int VeCount = 12;

    private static VmSpec Vm(string name) => new(name, 1, 512, "debian-12", 50);

    [SkippableFact]
    public async Task A_killed_silo_s_ves_come_back_from_postgresql_with_every_vm_running_once()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        await using var c = await DvmsCluster.StartAsync(Enumerable.Range(0, 8).Select(_ => Vms(0, 0)).ToArray(), silos: 2, postgres: db);
        await c.WaitUntilAsync(async () => (await c.Grains.GetGrain<INodeDirectoryGrain>(0).NodesAsync()).Length == 8, "every node in the directory");

        var keys = Enumerable.Range(0, VeCount).Select(i => $"alice/ve{i:00}").ToList();
        foreach (var key in keys)
        {
            var view = await c.Grains.GetGrain<IVeGrain>(key).SubmitAsync(new VeSpec("", [Vm("a"), Vm("b")], [new Spread(["a", "b"])]));
            Assert.Equal(VeState.Running, view.State);
        }
        var victim = c.Cluster.Silos[1];
        var onVictim = (await c.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(s => s.SiloAddress.Equals(victim.SiloAddress) && keys.Contains(s.GrainId.Key.ToString()!))
            .Select(s => s.GrainId.Key.ToString()!).Order().ToList();
        Assert.NotEmpty(onVictim); // placement is random: all twelve on one silo is a 1 in 4,096 draw
        // Stopped VEs never reactivate by themselves: one on each silo where there is one.
        var stopped = keys.Where(k => !onVictim.Contains(k)).Take(1).Concat(onVictim.Skip(1).Take(1)).ToList();
        foreach (var key in stopped) await c.Grains.GetGrain<IVeGrain>(key).StopAsync();
        var before = new Dictionary<string, VeView>();
        foreach (var key in keys) before[key] = await c.Grains.GetGrain<IVeGrain>(key).GetAsync();
        // The VE directory writes behind: wait until what it stored lists every VE in its state.
        var storage = c.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(VeGrain.StorageName);
        var expectedList = keys.ToDictionary(k => k, k => before[k].State);
        await c.WaitUntilAsync(async () =>
        {
            var stored = new GrainState<VeDirectoryState>();
            await storage.ReadStateAsync("ve-directory", c.Grains.GetGrain<IVeDirectoryGrain>(0).GetGrainId(), stored);
            return stored.State is { } s && s.Ves.Count == VeCount && s.Ves.All(v => expectedList[v.Key] == v.Value);
        }, "the VE directory stored");

        await c.Cluster.KillSiloAsync(victim);
        // While the VEs are away, one running VM of a VE that was on the dead silo disappears from its node.
        var lostVe = onVictim[0];
        var lost = before[lostVe].Vms[0];
        var hypervisor = c.Datacenter.Hypervisors.Single(h => h.Node == lost.Host);
        await hypervisor.DestroyAsync(lost.Id);
        await hypervisor.UndefineAsync(lost.Id);

        await c.WaitUntilAsync(async () =>
        {
            try
            {
                foreach (var key in keys)
                    if ((await c.Grains.GetGrain<IVeGrain>(key).GetAsync()) is not { Operation: null } v
                        || v.State != before[key].State || v.Vms.Any(x => x.State != before[key].Vms[0].State || x.Host is null))
                        return false;
                return true;
            }
            catch (Exception e) when (e is OrleansMessageRejectionException or TimeoutException)
            {
                // The dead silo is not declared dead yet: a call to a VE still placed there is rejected (SiloUnavailableException)
                // or times out. Anything else is a failure of the test.
                return false;
            }
        }, "every VE back in its state, with every VM in its VE's state");

        // Nothing lost: every VE listed in its state, every VM defined exactly once where its VE says.
        Assert.Equal(keys.Select(k => new VeSummary(k, before[k].State)), (await c.Grains.GetGrain<IVeDirectoryGrain>(0).ListAsync()).AsEnumerable());
        var copies = new List<(string Vm, string Node, VmState State)>();
        foreach (var h in c.Datacenter.Hypervisors) copies.AddRange((await h.ListVmsAsync()).Select(v => (v.Id, h.Node, v.State)));
        var expected = new List<(string, string, VmState)>();
        foreach (var key in keys)
        {
            var after = await c.Grains.GetGrain<IVeGrain>(key).GetAsync();
            Assert.Equal(before[key].Transitions.AsEnumerable(), after.Transitions.Take(before[key].Transitions.Length));
            expected.AddRange(after.Vms.Select(v => (v.Id, v.Host!, v.State)));
            if (key != lostVe) Assert.Equal(before[key].Vms.AsEnumerable(), after.Vms);
        }
        Assert.Equal(expected.Order(), copies.Order());
        Assert.Contains((await c.Grains.GetGrain<IVeGrain>(lostVe).GetAsync()).Transitions,
            t => t.Vm == lost.Name && t.Reason == "missing from every hypervisor: placed again");
        Assert.Equal(VeCount, await db.ScalarAsync("SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 've' AND PayloadBinary IS NOT NULL"));
    }
}
