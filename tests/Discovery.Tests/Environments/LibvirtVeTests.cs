using Discovery.Constraints;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Hosting;
using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Discovery.Tests.Environments;

/// <summary>A VE's whole lifecycle on two nodes driven through libvirt's real test driver, in an in-process silo.</summary>
public sealed class LibvirtVeTests : IDisposable
{
    private readonly TestNodes _files = new();

    public void Dispose() => _files.Dispose();

    private static VmSpec Vm(string name) => new(name, 1, 512, "cirros", 0);

    [SkippableFact]
    public async Task A_ve_is_submitted_suspended_resumed_stopped_started_and_deleted_through_libvirt()
    {
        Requires.Libvirt();
        var directory = new HypervisorDirectory();
        var hypervisors = new List<LibvirtHypervisor>();
        try
        {
            foreach (var node in new[] { "pm-a", "pm-b" })
            {
                var h = await LibvirtHypervisor.OpenAsync(node, _files.Create(node, cpus: 4, memoryMiB: 8192));
                hypervisors.Add(h);
                directory.Register(h, "local");
            }
            var builder = new InProcessTestClusterBuilder(1);
            builder.ConfigureSilo((_, silo) =>
            {
                silo.Services.AddSingleton(directory);
                silo.AddMemoryGrainStorage(VeGrain.StorageName);
                silo.AddDiscoveryGrains(TimeProvider.System, new DvmsOptions { Enabled = false });
            });
            await using var cluster = builder.Build();
            await cluster.DeployAsync();
            var grains = cluster.Client;
            await InProcessSilo.WaitUntil(async () => (await grains.NodeDirectory().NodesAsync()).Length == 2, "both libvirt nodes in the node directory",
                TimeSpan.FromSeconds(60));

            async Task<List<(string Node, string Vm, VmState State)>> Domains()
            {
                var all = new List<(string, string, VmState)>();
                foreach (var h in hypervisors) all.AddRange((await h.ListVmsAsync()).Select(v => (h.Node, v.Id, v.State)));
                return [.. all.Order()];
            }

            var ve = grains.GetGrain<IVeGrain>("alice/lab");
            var view = await ve.SubmitAsync(new VeSpec("", [Vm("one"), Vm("two")], [new Spread(["one", "two"])]));
            Assert.Equal(VeState.Running, view.State);
            var hosts = view.Vms.ToDictionary(v => v.Id, v => v.Host!);
            Assert.Equal(["pm-a", "pm-b"], hosts.Values.Order());
            List<(string, string, VmState)> Expect(VmState state) => [.. hosts.Select(h => (h.Value, h.Key, state)).Order()];
            Assert.Equal(Expect(VmState.Running), await Domains());

            Assert.Equal(VeState.Suspended, (await ve.SuspendAsync()).State);
            Assert.Equal(Expect(VmState.Suspended), await Domains());
            Assert.Equal(VeState.Running, (await ve.ResumeAsync()).State);
            Assert.Equal(Expect(VmState.Running), await Domains());
            Assert.Equal(VeState.Stopped, (await ve.StopAsync()).State);
            Assert.Equal(Expect(VmState.Stopped), await Domains());
            Assert.Equal(VeState.Stopped, (await ve.StopAsync()).State); // idempotent
            Assert.Equal(VeState.Running, (await ve.StartAsync()).State);
            Assert.Equal(Expect(VmState.Running), await Domains());

            // Fault injection would harm real machines: refused, naming the node.
            var faults = grains.GetGrain<INodeFaults>(hosts["alice.lab.one"]);
            var crash = await Assert.ThrowsAsync<NotSupportedException>(() => faults.CrashVmAsync("alice.lab.one"));
            Assert.Equal($"crash VM 'alice.lab.one': fault injection needs the simulated hypervisor; node {hosts["alice.lab.one"]} is driven by a real one", crash.Message);
            var down = await Assert.ThrowsAsync<NotSupportedException>(() => faults.CrashNodeAsync());
            Assert.Equal($"crash node: fault injection needs the simulated hypervisor; node {hosts["alice.lab.one"]} is driven by a real one", down.Message);

            var deleted = await ve.DeleteAsync();
            Assert.Equal(VeState.Deleted, deleted.State);
            Assert.Empty(await Domains());
            Assert.Equal(["none->Pending", "Pending->Running", "Running->Suspended", "Suspended->Running", "Running->Stopped", "Stopped->Running", "Running->Deleted"],
                deleted.Transitions.Where(t => t.Vm is null).Select(t => $"{t.From}->{t.To}"));
            await cluster.StopAllSilosAsync();
        }
        finally
        {
            foreach (var h in hypervisors) await h.DisposeAsync();
        }
    }
}
