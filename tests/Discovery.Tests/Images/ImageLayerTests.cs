using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Discovery.Client;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Images;
using Discovery.Model;
using Discovery.Security;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Tests.Images;

/// <summary>
/// A silo over three PoPs (site-00: node-0000 and 0001, site-01: 0002 and 0003, site-02: 0004 and 0005), each PoP's chunk
/// store in its own directory, 8 Mbit/s between PoPs (1 MB/s: a 16 MiB image takes 17 s to cross, 1 s to reach a node of its PoP).
/// </summary>
public sealed class ImageLayerFixture : IAsyncLifetime
{
    public string Stores { get; } = Path.Combine(Path.GetTempPath(), $"discovery-stores-{Guid.NewGuid():N}");

    public InProcessSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await InProcessSilo.StartAsync("Simulated:Nodes=6", "Simulated:Sites=3", "Simulated:VmsPerNode=0",
        "Simulated:LoadInjector=false", $"Images:StorePath={Stores}", "Images:DefaultSiteMbps=8");

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Directory.Delete(Stores, recursive: true);
    }
}

/// <summary>The image layer through a running silo: push with dedup, versions, pulls between PoPs, corrupt chunks, tenants, VEs.</summary>
public sealed class ImageLayerTests(ImageLayerFixture fixture) : IClassFixture<ImageLayerFixture>
{
    private const int Chunk = ImageChunker.DefaultChunkSize;

    private InProcessSilo Silo => fixture.Silo;

    private IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    private Task<DiscoveryClient> Client(string? token = null) =>
        DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { GatewayPort = Silo.GatewayPort, Token = token ?? TestSecurity.Operator });

    private static byte[] Content(int bytes, int seed)
    {
        var content = new byte[bytes];
        new Random(seed).NextBytes(content);
        return content;
    }

    private static async Task<byte[]> Read(IImageSource source, ImageBlob blob)
    {
        using var copy = new MemoryStream();
        await source.CopyToAsync(blob, copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task The_same_image_twice_sends_nothing_and_a_new_version_sends_only_its_changed_chunks()
    {
        await using var client = await Client();
        var v1 = Content(Chunk * 3 + 1000, 1);

        var first = await client.PushImageAsync(new ImagePush("dedup", new MemoryStream(v1), Site: "site-00"));
        var again = await client.PushImageAsync(new ImagePush("dedup", new MemoryStream(v1), Site: "site-00"));
        var v2 = (byte[])v1.Clone();
        v2[Chunk + 7] ^= 0xff;
        var second = await client.PushImageAsync(new ImagePush("dedup", new MemoryStream(v2), Site: "site-00"));

        Assert.Equal((1, 4, 0, (long)v1.Length), (first.Image.Version, first.ChunksSent, first.ChunksSkipped, first.BytesSent));
        Assert.Equal((1, 0, 4, 0L), (again.Image.Version, again.ChunksSent, again.ChunksSkipped, again.BytesSent));
        Assert.Equal((2, 1, 3, (long)Chunk), (second.Image.Version, second.ChunksSent, second.ChunksSkipped, second.BytesSent));
        Assert.Equal("raw", second.Image.Format);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(v2)), second.Image.Disk.Digest);
        var listed = Assert.Single(await client.ListImagesAsync(), s => s.Latest.Name == "dedup");
        Assert.Equal(2, listed.Versions);
        Assert.Equal<string>(["site-00"], listed.Sites.ToArray());
    }

    [Fact]
    public async Task A_pop_pulls_the_chunks_it_lacks_and_its_nodes_get_the_exact_bytes_even_after_a_chunk_is_corrupted()
    {
        await using var client = await Client();
        var disk = Content(Chunk * 2 + 500, 2);
        var pushed = await client.PushImageAsync(new ImagePush("pulled", new MemoryStream(disk), Site: "site-00"));

        var source = Silo.Services.GetRequiredService<ImageSources>().For("site-01");
        Assert.Equal(disk, await Read(source, pushed.Image.Disk));
        var stores = Silo.Services.GetRequiredService<ChunkStores>();
        Assert.All(pushed.Image.Disk.Chunks, c => Assert.True(stores.For("site-01").Has(c.Digest)));
        var refusedBefore = stores.For("site-01").Refused;

        // A chunk damaged on site-01's disk: refused when read, dropped, pulled again from site-00.
        var damaged = pushed.Image.Disk.Chunks[1].Digest;
        var file = Path.Combine(fixture.Stores, "site-01", damaged[..2], damaged);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[100] ^= 1;
        await File.WriteAllBytesAsync(file, bytes);
        Assert.Equal(disk, await Read(source, pushed.Image.Disk));
        Assert.Equal(refusedBefore + 1, stores.For("site-01").Refused);
        Assert.Equal<string>(["site-00", "site-01"], (await client.ListImagesAsync()).Single(s => s.Latest.Name == "pulled").Sites.ToArray());
    }

    [Fact]
    public async Task A_pull_split_between_two_pops_finishes_from_the_other_when_one_loses_its_chunks_midway()
    {
        await using var client = await Client();
        var disk = Content(Chunk * 4, 3);
        var pushed = await client.PushImageAsync(new ImagePush("resumed", new MemoryStream(disk), Site: "site-00"));
        var stores = Grains;
        Assert.Equal((long)disk.Length, (await stores.GetGrain<ISiteImageStoreGrain>("site-01").EnsureAsync(pushed.Image.Disk.Chunks))["site-00"]);

        // site-00's chunks vanish from its disk (its index still lists them): its share of site-02's pull fails, and the
        // pull is planned again from site-01 alone. Both links are equal: the first plan gives each PoP two chunks.
        foreach (var chunk in pushed.Image.Disk.Chunks) File.Delete(Path.Combine(fixture.Stores, "site-00", chunk.Digest[..2], chunk.Digest));
        var pulled = await stores.GetGrain<ISiteImageStoreGrain>("site-02").EnsureAsync(pushed.Image.Disk.Chunks);

        Assert.Equal(new Dictionary<string, long> { ["site-01"] = disk.Length }, pulled);
        Assert.Equal(disk, await Read(Silo.Services.GetRequiredService<ImageSources>().For("site-02"), pushed.Image.Disk));
    }

    [Fact]
    public async Task Concurrent_needs_for_one_image_at_one_pop_share_one_pull()
    {
        await using var client = await Client();
        var disk = Content(Chunk * 3, 4);
        var pushed = await client.PushImageAsync(new ImagePush("shared", new MemoryStream(disk), Site: "site-00"));
        var store = Grains.GetGrain<ISiteImageStoreGrain>("site-02");
        var origin = Silo.Services.GetRequiredService<ChunkStores>().For("site-00");
        var readsBefore = origin.Reads;

        var pulls = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.EnsureAsync(pushed.Image.Disk.Chunks)));

        // One pull, its result handed to all four: the 3 chunks were read out of site-00 once.
        Assert.Equal(3, origin.Reads - readsBefore);
        Assert.All(pulls, p => Assert.Equal(new Dictionary<string, long> { ["site-00"] = disk.Length }, p));
        Assert.Empty(await store.EnsureAsync(pushed.Image.Disk.Chunks)); // nothing left to pull
    }

    [Fact]
    public async Task A_private_image_is_invisible_to_other_tenants_and_a_tenant_pushes_only_its_own()
    {
        await using var alice = await Client(TestSecurity.Token(Role.Tenant, "alice"));
        await using var bob = await Client(TestSecurity.Token(Role.Tenant, "bob"));

        var pushed = await alice.PushImageAsync(new ImagePush("alice-app", new MemoryStream(Content(1000, 5)), Tenant: "alice"));
        Assert.Equal("alice", pushed.Image.Tenant);
        Assert.Contains(await alice.ListImagesAsync(), s => s.Latest.Name == "alice-app");
        Assert.DoesNotContain(await bob.ListImagesAsync(), s => s.Latest.Name == "alice-app");
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => bob.GetImageAsync("alice-app"));
        await Assert.ThrowsAsync<DiscoveryNotFoundException>(() => bob.DeleteImageAsync("alice-app"));
        var publicPush = await Assert.ThrowsAsync<DiscoveryAccessDeniedException>(() => bob.PushImageAsync(new ImagePush("bob-public", new MemoryStream(Content(10, 6)))));
        Assert.Equal("bob (tenant bob) may push private images of tenant 'bob' only (--tenant bob)", publicPush.Message);

        // Bob's VE may not boot Alice's image: refused at submit with the names Bob may boot.
        var refused = await Assert.ThrowsAsync<DiscoveryInvalidInputException>(() =>
            bob.SubmitAsync("bob/app", new VeSpec("", [new VmSpec("web", 1, 512, "alice-app", 50)], [])));
        Assert.Contains("'alice-app' is not a known image; name one of: ", refused.Message);
        Assert.DoesNotContain("alice-app,", refused.Message);
        Assert.Equal(VeState.Running, (await alice.SubmitAsync("alice/app", new VeSpec("", [new VmSpec("web", 1, 512, "alice-app", 50)], []))).State);
        await alice.DeleteAsync("alice/app");
    }

    [Fact]
    public async Task A_vm_goes_to_the_node_caching_its_image_else_to_a_node_of_the_pop_holding_it_unless_a_constraint_says_otherwise()
    {
        await using var client = await Client();
        await client.PushImageAsync(new ImagePush("near", new MemoryStream(Content(Chunk * 4, 8)), Site: "site-01"));
        await Grains.ImageCatalog().NodeCachesAsync("node-0003", "site-01", "near", holds: true);
        VmSpec Vm(string id) => new(id, 1, 512, "near", 50);

        var cached = await client.SubmitAsync("ops/cached", new VeSpec("", [Vm("web")], []));
        var banned = await client.SubmitAsync("ops/banned", new VeSpec("", [Vm("web")], [new Constraints.Ban(["web"], ["node-0003"])]));

        Assert.Equal("node-0003", Assert.Single(cached.Vms).Host);
        Assert.Equal("node-0002", Assert.Single(banned.Vms).Host); // 1 s from its PoP's store, against 17 s for the other PoPs' nodes
        await client.DeleteAsync("ops/cached");
        await client.DeleteAsync("ops/banned");
    }

    [Fact]
    public async Task A_chunk_larger_than_the_chunk_size_or_a_push_to_no_pop_is_refused_and_nothing_is_stored()
    {
        await using var client = await Client();
        var store = Grains.GetGrain<ISiteImageStoreGrain>("site-00");
        var big = Content(Chunk + 1, 9);
        var digest = ImageChunker.Digest(big);

        var tooLarge = await Assert.ThrowsAsync<ArgumentException>(() => store.PutChunkAsync(digest, big));
        Assert.Equal($"chunk {digest[..12]}…: {Chunk + 1} bytes; a chunk holds 1 to {Chunk} bytes", tooLarge.Message);
        Assert.Equal<string>([digest], (await store.MissingAsync([digest])).ToArray());
        var nowhere = await Assert.ThrowsAsync<DiscoveryInvalidInputException>(() => client.PushImageAsync(new ImagePush("lost", new MemoryStream(Content(10, 10)), Site: "atlantis")));
        Assert.Equal("1 problem(s):\n  image: site: no PoP named 'atlantis' in the cluster (`discovery nodes` shows the PoPs)", nowhere.Message);
        Assert.False(Directory.Exists(Path.Combine(fixture.Stores, "atlantis")));
    }

    [Fact]
    public async Task The_embedded_default_comes_with_the_simulated_images_its_templates_name()
    {
        await using var client = await Client();
        var images = await client.ListImagesAsync();

        foreach (var name in SyntheticImages.EmbeddedDefault)
        {
            var image = Assert.Single(images, s => s.Latest.Name == name).Latest;
            Assert.Equal((true, null, 2L << 30, 512), (image.Synthetic, image.Tenant, image.Size, image.Chunks.Count));
        }
    }

    [Fact]
    public async Task Images_over_http_push_list_show_and_delete()
    {
        var disk = Content(Chunk + 10, 7);
        using var body = new ByteArrayContent(disk);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var put = await Silo.Http.PutAsync("/api/images/over-http?format=raw", body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var pushed = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((2, disk.Length), (pushed.GetProperty("chunksSent").GetInt32(), pushed.GetProperty("bytesSent").GetInt32()));
        var shown = JsonDocument.Parse(await Silo.Http.GetStringAsync("/api/images/over-http")).RootElement;
        Assert.Equal((1, "raw", (long)disk.Length), (shown.GetProperty("version").GetInt32(), shown.GetProperty("format").GetString(), shown.GetProperty("size").GetInt64()));
        Assert.Contains("over-http", await Silo.Http.GetStringAsync("/api/images"));
        var bad = await Silo.Http.PutAsync("/api/images/..%2Fetc?format=raw", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Silo.Http.DeleteAsync("/api/images/over-http")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Silo.Http.GetAsync("/api/images/over-http")).StatusCode);
    }
}
