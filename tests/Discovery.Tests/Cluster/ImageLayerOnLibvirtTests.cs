using Discovery.Client;
using Discovery.Environments;
using Discovery.Hypervisors.Libvirt;
using Discovery.Images;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Tests.Cluster;

/// <summary>
/// The image layer end to end, for real: two silos, one per PoP (paris drives daemon A as pm-a, lyon daemon B as pm-b),
/// PostgreSQL for membership and state, 8 Mbit/s between the PoPs. The CI's bootable image is pushed to paris's store
/// through the client library; a VE naming it is placed on pm-a (its PoP holds the image, lyon would need 40 s to get it)
/// and boots from its overlay; draining pm-a makes DVMS migrate it live to pm-b, whose PoP first pulls the image's chunks
/// from paris (the only crossing) and whose daemon gets the base before the move; the guest ticks on with the mark its
/// first boot wrote, never booting again. Deleting the VE leaves no overlay.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class ImageLayerOnLibvirtTests
{
    private const string Image = "ci-tiny";

    [SkippableFact]
    public async Task A_pushed_image_boots_a_ve_on_the_pop_holding_it_and_migrates_live_to_another_pop_which_pulls_it_once()
    {
        var (a, b, disk, kernel, initrd) = Requires.LibvirtImagePair();
        await using var db = await PostgreSqlDatabase.CreateAsync();
        var stores = Directory.CreateTempSubdirectory("discovery-e2e-stores-").FullName;
        const string vm = "alice.app.web";
        var consoleA = Virsh.ConsoleLog(a, vm);
        var consoleB = Virsh.ConsoleLog(b, vm);
        string[] Settings(string site, string node, string uri, string otherNode, string otherUri) =>
        [
            "Clustering=PostgreSql", "Storage=PostgreSql", $"ConnectionString={db.ConnectionString}", "ClusterId=images", $"Site={site}",
            "Hypervisor=Libvirt", $"Libvirt:Nodes:{node}={uri}", $"Libvirt:MigrationUris:{otherNode}={otherUri}", "Libvirt:DomainType=qemu",
            "Scheduling:LeaseTimeoutSeconds=5", $"Images:StorePath={stores}", "Images:DefaultSiteMbps=8",
        ];
        await Cleanup();
        try
        {
            await using var paris = await InProcessSilo.StartAsync(Settings("paris", "pm-a", a, "pm-b", b));
            await using var lyon = await InProcessSilo.StartAsync(Settings("lyon", "pm-b", b, "pm-a", a));
            await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { GatewayPort = paris.GatewayPort, Token = TestSecurity.Operator, ClusterId = "images" });
            await InProcessSilo.WaitUntil(async () => (await client.ListNodesAsync()).Count == 2, "both nodes in the directory", TimeSpan.FromSeconds(60));

            await using (var d = File.OpenRead(disk))
            await using (var k = File.OpenRead(kernel))
            await using (var i = File.OpenRead(initrd))
            {
                var pushed = await client.PushImageAsync(new ImagePush(Image, d, Format: "raw", Kernel: k, Initrd: i, CommandLine: "root=/dev/vda rw quiet panic=-1", Site: "paris"));
                Assert.Equal(pushed.Image.Chunks.Count, pushed.ChunksSent);
            }
            var image = await client.GetImageAsync(Image);

            var submitted = await client.SubmitAsync("alice/app", new VeSpec("", [new VmSpec("web", 1, 128, Image, 10)], []));
            Assert.True(submitted.State == VeState.Running, $"{submitted.State}: {submitted.Reason}");
            Assert.Equal("pm-a", Assert.Single(submitted.Vms).Host);
            await InProcessSilo.WaitUntil(() => Task.FromResult(Ticks(consoleA).Count >= 2), "the guest ticking on A", TimeSpan.FromSeconds(90));
            var marker = Ticks(consoleA)[0].Marker;
            Assert.Equal(1, Count(consoleA, "MARKER-WRITTEN"));
            Assert.Empty(ChunkFiles(stores, "lyon")); // nothing crossed yet

            await client.DrainAsync("pm-a");
            await InProcessSilo.WaitUntil(async () => (await client.GetVeAsync("alice/app")).Vms.Single().Host == "pm-b" && Ticks(consoleB).Count >= 2,
                "the VM on pm-b, ticking", TimeSpan.FromSeconds(120));

            var onB = Ticks(consoleB);
            Assert.All(onB, t => Assert.Equal(marker, t.Marker));
            Assert.Equal(0, Count(consoleB, "GUEST-BOOTED"));
            Assert.Equal(1, Count(consoleA, "GUEST-BOOTED"));
            Assert.Equal("running", (await Virsh.RunAsync(b, "domstate", vm)).Trim());
            // The image crossed once, chunk by chunk, into lyon's store: paris's chunks were read for pm-a's copy (every chunk of
            // every blob, a repeated one each time) and once each (distinct) for lyon's pull; lyon's for pm-b's copy. B holds one base.
            var copies = image.Blobs.Sum(b => b.Chunks.Length);
            Assert.Equal(image.Chunks.Select(c => c.Digest).Order(StringComparer.Ordinal), ChunkFiles(stores, "lyon"));
            Assert.Equal((copies + image.Chunks.Count, copies), (paris.Services.GetRequiredService<ChunkStores>().For("paris").Reads, lyon.Services.GetRequiredService<ChunkStores>().For("lyon").Reads));
            Assert.Equal([LibvirtImageCache.BaseName(image.Disk, "raw")], await Volumes(b, "base-"));

            await client.DeleteAsync("alice/app");
            await InProcessSilo.WaitUntil(async () => !(await Volumes(b, "vm-")).Contains(LibvirtImageCache.OverlayName(vm)), "B's overlay removed", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Cleanup();
            Directory.Delete(stores, recursive: true);
        }

        async Task Cleanup()
        {
            foreach (var uri in new[] { a, b })
            {
                await Virsh.TryAsync(uri, "destroy", vm);
                await Virsh.TryAsync(uri, "undefine", vm);
                foreach (var volume in await Volumes(uri, ""))
                    if (volume.Contains(vm, StringComparison.Ordinal) || volume.StartsWith("base-", StringComparison.Ordinal) || volume.StartsWith("kernel-", StringComparison.Ordinal)
                        || volume.StartsWith("initrd-", StringComparison.Ordinal))
                        await Virsh.TryAsync(uri, "vol-delete", "--pool", LibvirtImageCache.DefaultPoolName, volume);
            }
            foreach (var log in new[] { consoleA, consoleB }) File.Delete(log);
        }
    }

    private static List<string> ChunkFiles(string stores, string site) => Directory.Exists(Path.Combine(stores, site))
        ? [.. Directory.EnumerateFiles(Path.Combine(stores, site), "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
        : [];

    private static async Task<List<string>> Volumes(string uri, string prefix) =>
        [.. (await Virsh.TryAsync(uri, "vol-list", "--pool", LibvirtImageCache.DefaultPoolName)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' ')[0]).Where(v => v.StartsWith(prefix, StringComparison.Ordinal) && !v.EndsWith(".complete", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static List<(int N, string Marker)> Ticks(string console) =>
        [.. Virsh.Lines(console).Select(l => l.Split(' '))
            .Where(p => p is ["tick", _, _] && p[2].StartsWith("marker=", StringComparison.Ordinal) && int.TryParse(p[1], out _))
            .Select(p => (int.Parse(p[1]), p[2]["marker=".Length..]))];

    private static int Count(string console, string word) => Virsh.Lines(console).Count(l => l.Contains(word, StringComparison.Ordinal));
}
