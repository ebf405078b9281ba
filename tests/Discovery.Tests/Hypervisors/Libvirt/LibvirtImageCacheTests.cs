using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary>A node's image cache over a pool in memory: one upload per base, complete or absent, fresh overlays, never under a domain.</summary>
public sealed class LibvirtImageCacheTests
{
    private readonly FakeVolumePool _pool = new();
    private readonly FileImageSource _source = new();
    private readonly HashSet<string> _domains = new(StringComparer.Ordinal);
    private readonly byte[] _disk = Bytes(9 << 20, seed: 1); // three chunks: 4 + 4 + 1 MiB
    private readonly byte[] _kernel = Bytes(300_000, seed: 2);

    private LibvirtImageCache Cache() => new("pm-a", _pool, _source, (vm, _) => Task.FromResult(_domains.Contains(vm)));

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Concurrent_needs_for_one_base_share_one_upload()
    {
        var image = _source.Add("debian-12", _disk);
        _pool.UploadGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = Cache();

        var defines = Enumerable.Range(1, 3).Select(i => cache.PrepareAsync($"web{i}", "debian-12", null)).ToList();
        // The fake pool answers at once up to the gate: all three joined the one upload before it is let through.
        Assert.All(defines, d => Assert.False(d.IsCompleted));
        _pool.UploadGate.SetResult();
        var disks = await Task.WhenAll(defines);

        var baseName = $"base-{image.Disk.Digest}.raw";
        Assert.Equal((1, 1, 1), (_pool.UploadsStarted, cache.Uploads, _source.Copies(image.Disk.Digest)));
        Assert.Equal(_disk, _pool.Volumes[baseName].Content);
        Assert.Equal([image.Disk.Digest], cache.CachedDigests);
        Assert.Equal(["/pool/vm-web1.qcow2", "/pool/vm-web2.qcow2", "/pool/vm-web3.qcow2"], disks.Select(d => d.Overlay));
        Assert.All(disks, d => Assert.Equal(($"/pool/{baseName}", "raw", image.Digest), (d.Base, d.BaseFormat, d.Digest)));
        Assert.All(new[] { "web1", "web2", "web3" }, vm =>
            Assert.Equal(($"/pool/{baseName}", "raw", (long)_disk.Length), (_pool.Volumes[$"vm-{vm}.qcow2"].Backing, _pool.Volumes[$"vm-{vm}.qcow2"].BackingFormat, _pool.Volumes[$"vm-{vm}.qcow2"].Info.Capacity)));
    }

    [Fact]
    public async Task A_direct_boot_caches_its_kernel_beside_the_base_and_the_disk_names_both()
    {
        var image = _source.Add("busybox", _disk, _kernel);
        var cache = Cache();

        var disk = await cache.PrepareAsync("web1", "busybox", null);

        Assert.Equal(($"/pool/kernel-{image.Boot!.Kernel.Digest}", null, "quiet"), (disk.Kernel, disk.Initrd, disk.CommandLine));
        Assert.Equal(2, cache.Uploads);
        Assert.Equal(new[] { image.Disk.Digest, image.Boot.Kernel.Digest }.Order(StringComparer.Ordinal), cache.CachedDigests);
        Assert.Equal(_kernel, _pool.Volumes[$"kernel-{image.Boot.Kernel.Digest}"].Content);
    }

    [Fact]
    public async Task A_base_found_complete_after_a_restart_is_not_uploaded_again()
    {
        var image = _source.Add("debian-12", _disk);
        await Cache().PrepareAsync("web1", "debian-12", null);

        var restarted = Cache();
        await restarted.PrepareAsync("web2", "debian-12", null);

        Assert.Equal((0, 1), (restarted.Uploads, _source.Copies(image.Disk.Digest)));
        Assert.Equal([image.Disk.Digest], restarted.CachedDigests);
    }

    [Fact]
    public async Task Loaded_at_start_a_cache_lists_the_complete_blobs_its_pool_holds_and_only_those()
    {
        var held = new string('1', 64);
        var cut = new string('2', 64);
        _pool.Leave($"base-{held}.qcow2", [1]);
        _pool.Leave($"base-{held}.qcow2.complete", []);
        _pool.Leave($"kernel-{cut}", [2]);          // its upload never finished
        _pool.Leave($"initrd-{cut}.complete", []);  // a marker whose blob is gone
        _pool.Leave("vm-web1.qcow2", []);
        var cache = Cache();

        await cache.LoadAsync();

        Assert.Equal([held], cache.CachedDigests);
        Assert.Equal([$"base-{held}.qcow2", $"base-{held}.qcow2.complete", "vm-web1.qcow2"], _pool.Volumes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, _pool.Ensured);
    }

    [Fact]
    public async Task An_upload_cut_short_is_deleted_at_start_and_never_counts_as_cached()
    {
        var image = _source.Add("debian-12", _disk);
        var baseName = $"base-{image.Disk.Digest}.raw";
        _pool.Leave(baseName, _disk[..1000]); // no marker: the node died mid-upload
        var cache = Cache();

        await cache.PrepareAsync("web1", "debian-12", null);

        Assert.Equal(1, cache.Uploads);
        Assert.Equal(_disk, _pool.Volumes[baseName].Content);
        Assert.True(_pool.Volumes.ContainsKey($"{baseName}.complete"));
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_blob_leave_neither_base_nor_marker_and_the_next_need_fetches_again()
    {
        var image = _source.Add("debian-12", _disk);
        _source.Corrupt(image.Disk.Digest, Bytes(_disk.Length, seed: 3));
        var cache = Cache();

        var e = await Assert.ThrowsAsync<HypervisorException>(() => cache.PrepareAsync("web1", "debian-12", null));
        Assert.StartsWith($"[pm-a] upload of base-{image.Disk.Digest}.raw: the source gave {_disk.Length} bytes of digest ", e.Message);
        Assert.Empty(_pool.Volumes);
        Assert.Empty(cache.CachedDigests);

        _source.Corrupt(image.Disk.Digest, _disk);
        await cache.PrepareAsync("web1", "debian-12", null);
        Assert.Equal((1, 2), (cache.Uploads, _source.Copies(image.Disk.Digest)));
    }

    [Fact]
    public async Task Each_define_starts_from_a_fresh_overlay()
    {
        _source.Add("debian-12", _disk);
        _pool.Leave("vm-web1.qcow2", [1, 2, 3]); // the VM's disk from before its node died
        var cache = Cache();

        await cache.PrepareAsync("web1", "debian-12", null);

        var overlay = _pool.Volumes["vm-web1.qcow2"];
        Assert.Empty(overlay.Content);
        Assert.NotEqual(1, overlay.Creation);
    }

    [Fact]
    public async Task An_overlay_is_never_replaced_under_a_domain_of_its_name()
    {
        _source.Add("debian-12", _disk);
        _pool.Leave("vm-web1.qcow2", [1, 2, 3]);
        _domains.Add("web1");
        var cache = Cache();

        var e = await Assert.ThrowsAsync<HypervisorException>(() => cache.PrepareAsync("web1", "debian-12", null));

        Assert.Equal((HypervisorErrorKind.AlreadyExists, "[pm-a] define 'web1': a domain with that name already exists (its overlay is never replaced)"), (e.Kind, e.Message));
        Assert.Equal([1, 2, 3], _pool.Volumes["vm-web1.qcow2"].Content);
    }

    [Fact]
    public async Task An_overlay_is_deleted_only_when_no_domain_of_its_name_is_left()
    {
        _source.Add("debian-12", _disk);
        var cache = Cache();
        await cache.PrepareAsync("web1", "debian-12", null);
        _domains.Add("web1");

        Assert.False(await cache.DeleteOverlayAsync("web1"));
        Assert.True(_pool.Volumes.ContainsKey("vm-web1.qcow2"));

        _domains.Remove("web1");
        Assert.True(await cache.DeleteOverlayAsync("web1"));
        Assert.False(_pool.Volumes.ContainsKey("vm-web1.qcow2"));
    }

    [Fact]
    public async Task A_define_that_fails_deletes_the_overlay_it_made()
    {
        _source.Add("debian-12", _disk);
        var cache = Cache();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.PrepareAsync("web1", "debian-12", null, (_, _) => throw new InvalidOperationException("define refused")));

        Assert.False(_pool.Volumes.ContainsKey("vm-web1.qcow2"));
        Assert.Equal(1, cache.Uploads); // the base stays: it is the node's, not the VM's
    }

    [Fact]
    public async Task An_image_the_catalogue_does_not_know_is_refused_by_name()
    {
        var e = await Assert.ThrowsAsync<HypervisorException>(() => Cache().PrepareAsync("web1", "centos", null));
        Assert.Equal((HypervisorErrorKind.InvalidDefinition, "[pm-a] define 'web1': image 'centos' is not in the catalogue"), (e.Kind, e.Message));
        var path = await Assert.ThrowsAsync<HypervisorException>(() => Cache().PrepareAsync("web1", "/etc/shadow", null));
        Assert.Equal("[pm-a] define 'web1': image '/etc/shadow' is not an image name (a VM names an image of the catalogue, never a file)", path.Message);
        Assert.Empty(_pool.Volumes);
    }

    [Fact]
    public async Task A_destination_holding_another_version_of_the_image_refuses_the_overlay()
    {
        var image = _source.Add("debian-12", _disk);

        var e = await Assert.ThrowsAsync<HypervisorException>(() => Cache().PrepareAsync("web1", "debian-12", new string('a', 64)));

        Assert.Equal((HypervisorErrorKind.InvalidState,
            $"[pm-a] define 'web1': image 'debian-12' is at digest {image.Digest} in the catalogue, the VM runs {new string('a', 64)}: its overlay cannot sit on another base"),
            (e.Kind, e.Message));
        Assert.Empty(_pool.Volumes);
    }

    [Theory]
    [InlineData("base-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.qcow2", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("kernel-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("vm-web1.qcow2", null)]
    [InlineData("base-web1.raw", null)]
    public void Only_blob_volumes_are_named_by_a_digest(string volume, string? digest) =>
        Assert.Equal(digest, LibvirtImageCache.DigestOf(volume));
}
