using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;
using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Tests.Support;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary>
/// The image layer for real, on the two libvirt daemons of <c>.ci/libvirt-pair.sh</c> (QEMU, software emulation): a VM
/// boots an ext4 image of the catalogue (busybox root, Debian's cloud kernel booted directly) from its own overlay on
/// daemon A; its guest marks its disk on first boot and ticks with the mark. It migrates live to daemon B, which first
/// fetches the base (once) and makes an empty overlay, and only the overlay moves: the guest goes on ticking with the
/// same mark and never boots again; booted afresh on B, it finds its mark on the disk that crossed.
/// </summary>
public sealed class ImageBootOnLibvirtPairTests
{
    private const string Image = "ci-busybox";

    /// <param name="acrossSilos">B as a node of another silo (its URI, and its grain's side reached through
    /// <see cref="IIncomingVms"/>, as the node grain's hand-over does) rather than a hypervisor of this one.</param>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_vm_boots_its_image_from_an_overlay_and_migrates_live_with_it_the_base_crossing_once(bool acrossSilos)
    {
        var (a, b, diskFile, kernelFile, initrdFile) = Requires.LibvirtImagePair();
        var source = new FileImageSource();
        var image = source.Add(Image, diskFile, "raw", kernelFile, initrdFile, "root=/dev/vda rw quiet panic=-1");
        var vm = $"img-{Guid.NewGuid():N}"[..16];
        string[] blobVolumes =
        [
            LibvirtImageCache.BaseName(image.Disk, "raw"), LibvirtImageCache.KernelName(image.Boot!.Kernel), LibvirtImageCache.InitrdName(image.Boot.Initrd!),
        ];
        string[] ours = [.. blobVolumes, .. blobVolumes.Select(LibvirtImageCache.MarkerName), LibvirtImageCache.OverlayName(vm)];
        // Each daemon starts without the image: what a run before this one cached would hide the uploads.
        foreach (var uri in new[] { a, b })
            foreach (var volume in ours) await TryVirsh(uri, "vol-delete", "--pool", LibvirtImageCache.DefaultPoolName, volume);
        var consoleA = ConsoleLog(a, vm);
        var consoleB = ConsoleLog(b, vm);
        try
        {
            await using var hostA = await LibvirtHypervisor.OpenAsync("pm-a", a, domainType: "qemu", imageSource: source);
            await using var hostB = await LibvirtHypervisor.OpenAsync("pm-b", b, domainType: "qemu", imageSource: source);

            await hostA.DefineAsync(new VmSpec(vm, 1, 128, Image));
            await hostA.StartAsync(vm);
            await InProcessSilo.WaitUntil(() => Task.FromResult(Ticks(consoleA).Count >= 3), "the guest ticking on A", TimeSpan.FromSeconds(90));
            var marker = Ticks(consoleA)[0].Marker;
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", marker);
            Assert.Equal(1, Count(consoleA, "GUEST-BOOTED"));
            Assert.Equal(1, Count(consoleA, "MARKER-WRITTEN"));
            Assert.Equal((3, 1), (hostA.ImageCache!.Uploads, source.Copies(image.Disk.Digest)));

            var target = acrossSilos ? new MigrationTarget("pm-b", Uri: hostB.MigrationUri, Remote: new OtherSilo(hostB)) : MigrationTarget.Of(hostB);
            var outcome = await hostA.MigrateAsync(vm, target);

            Assert.Equal(MigrationMode.Live, outcome.Mode);
            var lastOnA = Ticks(consoleA)[^1].N;
            await InProcessSilo.WaitUntil(() => Task.FromResult(Ticks(consoleB).Count >= 3), "the guest ticking on B", TimeSpan.FromSeconds(60));
            var onB = Ticks(consoleB);
            Assert.All(onB, t => Assert.Equal(marker, t.Marker));   // the same disk: its mark came along in the overlay
            Assert.True(onB[0].N > lastOnA, $"B's first tick {onB[0].N} follows A's last {lastOnA}: the guest did not restart");
            Assert.Equal(0, Count(consoleB, "GUEST-BOOTED"));
            Assert.Equal(1, Count(consoleA, "GUEST-BOOTED"));
            Assert.Equal("running", (await Virsh(b, "domstate", vm)).Trim());
            Assert.DoesNotContain(vm, (await Virsh(a, "list", "--all", "--name")).Split('\n'));

            // B fetched each blob once, A's overlay went with the VM, B's is the one the VM runs on.
            Assert.Equal((3, 2, 2), (hostB.ImageCache!.Uploads, source.Copies(image.Disk.Digest), source.Copies(image.Boot.Kernel.Digest)));
            Assert.Equal(new[] { image.Disk.Digest, image.Boot.Kernel.Digest, image.Boot.Initrd!.Digest }.Order(StringComparer.Ordinal), hostB.ImageCache.CachedDigests);
            Assert.Equal(ours.Order(StringComparer.Ordinal), await OurVolumes(b, ours));
            Assert.Equal(ours.Except([LibvirtImageCache.OverlayName(vm)]).Order(StringComparer.Ordinal), await OurVolumes(a, ours));

            // A cold boot on B, from B's overlay: the guest finds the marker on its disk (no second MARKER-WRITTEN).
            await hostB.DestroyAsync(vm);
            await hostB.StartAsync(vm);
            await InProcessSilo.WaitUntil(() => Task.FromResult(Count(consoleB, "GUEST-BOOTED") == 1 && TicksAfterBoot(consoleB).Count >= 2),
                "the guest booted again on B and ticking", TimeSpan.FromSeconds(90));
            Assert.Equal(0, Count(consoleB, "MARKER-WRITTEN"));
            Assert.Equal([(1, marker), (2, marker)], TicksAfterBoot(consoleB)[..2]);

            await hostB.DestroyAsync(vm);
            await hostB.UndefineAsync(vm);
            Assert.DoesNotContain(LibvirtImageCache.OverlayName(vm), await OurVolumes(b, ours));
        }
        finally
        {
            foreach (var uri in new[] { a, b })
            {
                await TryVirsh(uri, "destroy", vm);
                await TryVirsh(uri, "undefine", vm);
                foreach (var volume in ours) await TryVirsh(uri, "vol-delete", "--pool", LibvirtImageCache.DefaultPoolName, volume);
            }
            foreach (var log in new[] { consoleA, consoleB }) File.Delete(log);
        }
    }

    /// <summary>The destination's side as another silo's node grain gives it (<c>IMigrationDestination</c>): a libvirt node only prepares.</summary>
    private sealed class OtherSilo(LibvirtHypervisor node) : IIncomingVms
    {
        public Task PrepareAsync(VmSpec vm, string? imageDigest) => node.PrepareIncomingAsync(vm, imageDigest);
        public Task AcceptAsync(IncomingVm vm) => throw new InvalidOperationException("a libvirt migration is no hand-over");
        public Task LandAsync(IncomingVm vm) => throw new InvalidOperationException("a libvirt migration is no hand-over");
        public Task DropAsync(string vmId) => throw new InvalidOperationException("a libvirt migration is no hand-over");
    }

    private static string ConsoleLog(string uri, string vm) => Support.Virsh.ConsoleLog(uri, vm);

    private static List<(int N, string Marker)> Ticks(string console) => Ticks(Lines(console));

    private static List<(int N, string Marker)> Ticks(IEnumerable<string> lines) =>
        [.. lines.Select(l => l.Split(' '))
            .Where(p => p is ["tick", _, _] && p[2].StartsWith("marker=", StringComparison.Ordinal) && int.TryParse(p[1], out _))
            .Select(p => (int.Parse(p[1]), p[2]["marker=".Length..]))];

    /// <summary>The ticks printed since the guest last booted.</summary>
    private static List<(int N, string Marker)> TicksAfterBoot(string console)
    {
        var lines = Lines(console).ToList();
        var boot = lines.FindLastIndex(l => l.Contains("GUEST-BOOTED", StringComparison.Ordinal));
        return boot < 0 ? [] : Ticks(lines.Skip(boot + 1));
    }

    private static int Count(string console, string word) => Lines(console).Count(l => l.Contains(word, StringComparison.Ordinal));

    private static IEnumerable<string> Lines(string console) => Support.Virsh.Lines(console);

    private static async Task<IReadOnlyList<string>> OurVolumes(string uri, IReadOnlyCollection<string> ours) =>
        [.. (await Virsh(uri, "vol-list", "--pool", LibvirtImageCache.DefaultPoolName)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' ')[0]).Where(ours.Contains).Order(StringComparer.Ordinal)];

    private static Task<string> Virsh(string uri, params string[] args) => Support.Virsh.RunAsync(uri, args);

    private static Task<string> TryVirsh(string uri, params string[] args) => Support.Virsh.TryAsync(uri, args);
}
