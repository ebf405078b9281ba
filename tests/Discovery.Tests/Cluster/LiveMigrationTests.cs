using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Cluster;

/// <summary>
/// The live path for real: a QEMU guest (software emulation) runs under libvirt daemon A, driven by silo
/// paris; daemon B, another "host" with its own host UUID, is driven by silo lyon. Draining A makes a
/// partition that spans both silos, and paris's node migrates the guest live, peer to peer
/// (virDomainMigrateToURI3), to the URI lyon's node publishes. The guest's console proves it never restarted.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class LiveMigrationTests
{
    private const string Guest = "discovery-live";

    [SkippableFact]
    public async Task Draining_a_node_migrates_its_qemu_guest_live_to_a_node_of_another_silo()
    {
        var (a, b, kernel, initrd) = Requires.LibvirtPair();
        await using var db = await PostgreSqlDatabase.CreateAsync();
        var console = Path.Combine(Path.GetTempPath(), $"discovery-live-{Guid.NewGuid():N}.log");
        await TryVirsh(a, "destroy", Guest);
        await TryVirsh(a, "undefine", Guest);
        await TryVirsh(b, "destroy", Guest);
        await TryVirsh(b, "undefine", Guest);
        var xml = Path.Combine(Path.GetTempPath(), $"{Guest}-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(xml, $"""
            <domain type='qemu'>
              <name>{Guest}</name>
              <memory unit='MiB'>128</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{kernel}</kernel><initrd>{initrd}</initrd><cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
              <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
              <devices>
                <serial type='file'><source path='{console}' append='on'/><target port='0'/></serial>
                <memballoon model='none'/>
              </devices>
            </domain>
            """);
        await Virsh(a, "define", xml);
        await Virsh(a, "start", Guest);
        try
        {
            await InProcessSilo.WaitUntil(() => Task.FromResult(LastTick(console) > 0), "the guest's console ticking", TimeSpan.FromSeconds(60));

            // Each silo also names the other's node and the URI it must publish: a migration goes nowhere else.
            string[] Settings(string site, string node, string uri, string otherNode, string otherUri) =>
            [
                "Clustering=PostgreSql", "Storage=PostgreSql", $"ConnectionString={db.ConnectionString}", "ClusterId=live", $"Site={site}",
                "Hypervisor=Libvirt", $"Libvirt:Nodes:{node}={uri}", $"Libvirt:MigrationUris:{otherNode}={otherUri}", "Libvirt:DomainType=qemu",
                "Scheduling:LeaseTimeoutSeconds=5",
            ];
            await using var paris = await InProcessSilo.StartAsync(Settings("paris", "pm-a", a, "pm-b", b));
            await using var lyon = await InProcessSilo.StartAsync(Settings("lyon", "pm-b", b, "pm-a", a));
            var grains = paris.Services.GetRequiredService<IGrainFactory>();
            await InProcessSilo.WaitUntil(() => Task.FromResult(paris.Services.GetRequiredService<Discovery.Overlay.ClusterOverlay>().Current.Count == 2),
                "paris's overlay holds lyon's node", TimeSpan.FromSeconds(60));
            await InProcessSilo.WaitUntil(async () => (await grains.GetGrain<INodeGrain>("pm-a").GetStatusAsync()).LastSnapshot?.Vms.Any(v => v.Id == Guest) == true,
                "pm-a sees the guest", TimeSpan.FromSeconds(60));
            var before = LastTick(console);

            await grains.GetGrain<INodeGrain>("pm-a").SetMaintenanceAsync(true);
            await InProcessSilo.WaitUntil(async () => (await TryVirsh(b, "domstate", Guest)).Trim() == "running"
                && !(await Virsh(a, "list", "--all", "--name")).Split('\n').Contains(Guest), "the guest running under B, gone from A", TimeSpan.FromSeconds(90));

            var journal = paris.Services.GetRequiredService<PlanJournal>();
            var report = Assert.Single(journal.Reports, r => r.Outcome == PartitionOutcome.Solved);
            Assert.Equal(["pm-a", "pm-b"], report.Nodes.Order(StringComparer.Ordinal));
            Assert.Equal([(Guest, "pm-a", "pm-b")], Assert.Single(journal.Plans).Result.Plan.Migrations.Select(m => (m.Vm, m.From, m.To)));
            // Live: the console goes on counting from where it was, and the guest never booted a second time.
            await InProcessSilo.WaitUntil(() => Task.FromResult(LastTick(console) > before + 2), "the guest still ticking after the move", TimeSpan.FromSeconds(30));
            Assert.Equal(1, File.ReadAllLines(console).Count(l => l.Contains("GUEST-BOOTED", StringComparison.Ordinal)));
            Assert.Equal("running", (await Virsh(b, "domstate", Guest)).Trim());
            Assert.Contains(Guest, (await Virsh(b, "list", "--persistent", "--name")).Split('\n')); // defined there for good
        }
        finally
        {
            foreach (var uri in new[] { a, b })
            {
                await TryVirsh(uri, "destroy", Guest);
                await TryVirsh(uri, "undefine", Guest);
            }
            File.Delete(xml);
        }
    }

    private static int LastTick(string console)
    {
        if (!File.Exists(console)) return 0;
        var last = 0;
        foreach (var line in File.ReadLines(console))
            if (line.StartsWith("tick ", StringComparison.Ordinal) && int.TryParse(line.Split(' ')[1], out var n)) last = n;
        return last;
    }

    private static Task<string> Virsh(string uri, params string[] args) => Support.Virsh.RunAsync(uri, args);

    private static Task<string> TryVirsh(string uri, params string[] args) => Support.Virsh.TryAsync(uri, args);
}
