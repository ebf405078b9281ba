using System.Collections.Immutable;
using Discovery.Images;
using Discovery.Images.Transfers;

namespace Discovery.Tests.Placement.Images.Transfers;

/// <summary>
/// The transfer model's rules on small fixed scenarios: 1 MB chunks, 8 Mbit/s = 1 MB/s between PoPs, nodes at 10 MB/s,
/// stores at 100 MB/s, so every figure is exact on the model's own clock.
/// </summary>
public sealed class ImageDistributionTests
{
    private const int Mb = 1_000_000;

    private static ImageManifest Image(string name, int version, params string[] chunks) =>
        new(name, version, null, "raw", new ImageBlob(chunks.Length * (long)Mb, ImageDigests.Combine(chunks), [.. chunks.Select(c => new ChunkRef(ImageDigests.Combine(c), Mb))]), Synthetic: true);

    private static (FluidNetwork Network, ImageDistribution Images, ImageFabric Fabric) Build(TransferStrategy strategy, IEnumerable<ImageManifest> images,
        (string Pop, string[] Nodes)[] pops, Dictionary<string, Dictionary<string, double>> mbps, FabricOptions? options = null)
    {
        var network = new FluidNetwork();
        var fabric = new ImageFabric(network, new SiteBandwidths(mbps, defaultSiteMbps: 8, nodeMbps: 80),
            pops.Select(p => (p.Pop, (IReadOnlyList<string>)p.Nodes)), options ?? new FabricOptions { StoreMbps = 800 });
        return (network, new ImageDistribution(fabric, strategy, images), fabric);
    }

    private static readonly ImageManifest Six = Image("six", 1, "1", "2", "3", "4", "5", "6");

    [Fact]
    public void A_pop_pulls_from_every_pop_holding_the_image_split_by_bandwidth_and_finishes_when_the_plan_says()
    {
        // A→C 2 MB/s, B→C 1 MB/s: 4 chunks from A and 2 from B both end at 2 s (A alone: 3 s).
        var (network, images, fabric) = Build(TransferStrategy.Chunks, [Six], [("A", []), ("B", []), ("C", ["c1"])],
            new() { ["A"] = new() { ["C"] = 16 }, ["B"] = new() { ["C"] = 8 } });
        images.Publish("A", Six);
        images.Publish("B", Six);
        double? ready = null;
        images.Need("c1", "six:1", t => ready = t);

        network.Run(until: 1.999);
        Assert.Equal(4, fabric.Store("C").Chunks.Count); // A's at 0.5, 1.0, 1.5; B's at 1.0
        network.Run();
        Assert.Equal(6, fabric.Store("C").Chunks.Count);
        Assert.Equal(4.0 * Mb, images.Delivered("A/store", "C/store"));
        Assert.Equal(2.0 * Mb, images.Delivered("B/store", "C/store"));
        Assert.Equal(6.0 * Mb, images.InterPopBytes);
        // The node takes each chunk from its store as it lands (0.1 s each, two land together at 1 s and at 2 s).
        Assert.Equal(2.2, ready!.Value, 9);
    }

    [Fact]
    public void Two_nodes_of_a_pop_needing_the_same_image_cause_one_transfer_between_pops()
    {
        var four = Image("four", 1, "1", "2", "3", "4");
        var (network, images, _) = Build(TransferStrategy.Chunks, [four], [("A", []), ("B", ["b1", "b2"])], []);
        images.Publish("A", four);
        var ready = new Dictionary<string, double>();
        images.Need("b1", "four:1", t => ready["b1"] = t);
        images.Need("b2", "four:1", t => ready["b2"] = t);
        network.Run();

        Assert.Equal(4.0 * Mb, images.InterPopBytes);
        Assert.Equal(4.1, ready["b1"], 9);
        Assert.Equal(4.1, ready["b2"], 9);

        // Whole images through the nearest store, without coalescing: the image crosses twice, sharing the link.
        var (network2, whole, _) = Build(TransferStrategy.WholeFromNearest, [four], [("A", []), ("B", ["b1", "b2"])], []);
        whole.Publish("A", four);
        whole.Need("b1", "four:1", t => ready["b1"] = t);
        whole.Need("b2", "four:1", t => ready["b2"] = t);
        network2.Run();
        Assert.Equal(8.0 * Mb, whole.InterPopBytes);
        Assert.Equal(8.0, ready["b2"], 9);
    }

    [Fact]
    public void A_pop_going_away_mid_transfer_leaves_its_remaining_chunks_to_the_remaining_sources()
    {
        var (network, images, fabric) = Build(TransferStrategy.Chunks, [Six], [("A", []), ("B", []), ("C", ["c1"])],
            new() { ["A"] = new() { ["C"] = 16 }, ["B"] = new() { ["C"] = 8 } });
        images.Publish("A", Six);
        images.Publish("B", Six);
        double? ready = null;
        images.Need("c1", "six:1", t => ready = t);
        // At 1.25 s A has delivered 2 chunks and half of a third; B one, and a quarter of its second.
        network.At(1.25, () => images.FailPop("A"));
        network.Run();

        Assert.Equal(6, fabric.Store("C").Chunks.Count);
        Assert.Equal(2.0 * Mb, images.Delivered("A/store", "C/store"));
        Assert.Equal(4.0 * Mb, images.Delivered("B/store", "C/store"));
        // B ends its second chunk at 2 s, then A's two left at 3 and 4 s; the half chunk lost with A crossed all the same.
        Assert.Equal(6.5 * Mb, images.InterPopBytes);
        Assert.Equal(4.1, ready!.Value, 9);
    }

    [Fact]
    public void A_pop_going_away_stops_the_pulls_into_it_and_frees_its_sources()
    {
        var four = Image("four", 1, "1", "2", "3", "4");
        var (network, images, fabric) = Build(TransferStrategy.Chunks, [four], [("A", []), ("B", ["b1"])], []);
        images.Publish("A", four);
        double? ready = null;
        images.Need("b1", "four:1", t => ready = t);
        network.At(1.5, () => images.FailPop("B"));
        network.Run();

        Assert.Null(ready);
        Assert.Equal(0, fabric.Store("A").Uploads);
        Assert.Equal(1.5 * Mb, images.InterPopBytes); // one chunk whole, half of the next
        Assert.Single(fabric.Store("B").Chunks);
    }

    [Fact]
    public void A_whole_image_whose_source_goes_away_starts_again_from_the_next_nearest_pop()
    {
        var four = Image("four", 1, "1", "2", "3", "4");
        var (network, images, _) = Build(TransferStrategy.WholeFromNearest, [four], [("A", []), ("B", []), ("C", ["c1"])],
            new() { ["A"] = new() { ["C"] = 16 }, ["B"] = new() { ["C"] = 8 } });
        images.Publish("A", four);
        images.Publish("B", four);
        double? ready = null;
        images.Need("c1", "four:1", t => ready = t);
        network.At(1.0, () => images.FailPop("A"));
        network.Run();

        // 2 MB from A lost with it (no chunks: nothing kept), then the 4 MB again from B at 1 MB/s.
        Assert.Equal(5.0, ready!.Value, 9);
        Assert.Equal(6.0 * Mb, images.InterPopBytes);
    }

    [Fact]
    public void A_second_version_pulls_only_its_changed_chunks()
    {
        var v1 = Image("app", 1, "1", "2", "3", "4");
        var v2 = Image("app", 2, "1", "2", "3", "5");
        foreach (var (strategy, bytes, at) in new[] { (TransferStrategy.Chunks, 1.0 * Mb, 1.1), (TransferStrategy.WholeFromOrigin, 4.0 * Mb, 4.0) })
        {
            var (network, images, fabric) = Build(strategy, [v1, v2], [("A", []), ("B", ["b1"])], []);
            images.Publish("B", v1);
            images.Publish("A", v2);
            images.Preload("b1", v1);
            double? ready = null;
            images.Need("b1", "app:2", t => ready = t);
            network.Run();

            Assert.Equal(bytes, images.InterPopBytes);
            Assert.Equal(bytes, fabric.Node("b1").BytesReceived);
            Assert.Equal(at, ready!.Value, 9);
        }
    }

    [Fact]
    public void Inside_a_pop_nodes_that_hold_chunks_serve_the_others()
    {
        // The store serves one puller at a time: b2 takes each chunk from b1 as soon as b1 has it, and b3, later,
        // from the store and both peers at once.
        var four = Image("four", 1, "1", "2", "3", "4");
        var (network, images, _) = Build(TransferStrategy.Chunks, [four], [("A", ["a1", "a2", "a3"])], [],
            new FabricOptions { StoreMbps = 800, StoreUploadSlots = 1 });
        images.Publish("A", four);
        var ready = new Dictionary<string, double>();
        images.Need("a1", "four:1", t => ready["a1"] = t);
        images.Need("a2", "four:1", t => ready["a2"] = t);
        network.At(0.5, () => images.Need("a3", "four:1", t => ready["a3"] = t));
        network.Run();

        Assert.Equal(0.4, ready["a1"], 9);
        Assert.Equal(0.5, ready["a2"], 9); // alone on the store it would wait for a1: 0.8
        Assert.Equal(4.0 * Mb, images.Delivered("a1", "a2"));
        Assert.Equal(0, images.Delivered("A/store", "a2"));
        Assert.Equal(0.9, ready["a3"], 9);
        // Equal rates: the planner hands the chunks out in turn, the last to the first source in a3's order (a peer).
        Assert.Equal(3.0 * Mb, images.Delivered("a1", "a3") + images.Delivered("a2", "a3"));
        Assert.Equal(1.0 * Mb, images.Delivered("A/store", "a3"));
        Assert.Equal(0, images.InterPopBytes);
    }

    [Fact]
    public void Synthetic_versions_share_the_base_across_families_and_all_but_the_changed_chunks_with_the_previous_version()
    {
        var spec = new SyntheticImageSpec { Families = 2, Versions = 3, ImageBytes = 100L * Mb, ChunkSize = 10 * Mb, BaseShare = 0.2, ChangedPerVersion = 0.3 };
        var images = SyntheticImageFamilies.Generate(spec);

        Assert.Equal(["family-0:1", "family-0:2", "family-0:3", "family-1:1", "family-1:2", "family-1:3"], images.Select(ImageDistribution.KeyOf));
        Assert.All(images, i => Assert.Equal(10, i.Chunks.Count));
        int Shared(ImageManifest a, ImageManifest b) => a.Chunks.Select(c => c.Digest).Intersect(b.Chunks.Select(c => c.Digest)).Count();
        Assert.Equal(7, Shared(images[0], images[1]));
        Assert.Equal(7, Shared(images[1], images[2]));
        Assert.Equal(4, Shared(images[0], images[2]));
        Assert.Equal(2, Shared(images[0], images[3]));
        // 2 base + 2 families × (8 + 2 × 3) chunks.
        Assert.Equal(30, images.SelectMany(i => i.Chunks).Select(c => c.Digest).Distinct().Count());
    }
}
