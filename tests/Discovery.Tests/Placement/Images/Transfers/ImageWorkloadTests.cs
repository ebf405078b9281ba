using Discovery.Images;
using Discovery.Images.Transfers;

namespace Discovery.Tests.Placement.Images.Transfers;

/// <summary><c>bench image</c>'s workload: image-aware placement's preference, and settings refused with their option named.</summary>
public sealed class ImageWorkloadTests
{
    private static readonly (string Pop, IReadOnlyList<string> Nodes)[] Pops = [("P0", ["a1", "a2"]), ("P1", ["b1", "b2"])];

    // 1.25 GB = 10,000 Mbit: 1 s over a node's 10 Gbit/s link, 10 s over the 1 Gbit/s between the PoPs.
    private static ImageAwarePlacement Placement(bool aware = true) =>
        new(Pops, vmsPerNode: 2, new Dictionary<string, long> { ["x"] = 1_250_000_000 }, new Dictionary<string, string> { ["x"] = "P1" },
            new SiteBandwidths(defaultSiteMbps: 1_000, nodeMbps: 10_000), new Random(5)) { ImageAware = aware };

    [Fact]
    public void The_node_then_the_pop_holding_the_image_wins_among_nodes_with_room()
    {
        var placement = Placement();
        Assert.Equal(10, placement.FetchSeconds("a1", "P0", "x"));
        Assert.Equal(1, placement.FetchSeconds("b1", "P1", "x"));

        var first = placement.Place("x", []);
        Assert.StartsWith("b", first);                                    // the PoP holding it
        Assert.Equal(0, placement.FetchSeconds(first, "P1", "x"));
        var other = first == "b1" ? "b2" : "b1";
        Assert.Equal(other, placement.Place("x", [first]));                // the VE's other VM: not on the same node
        Assert.StartsWith("b", placement.Place("x", []));                  // both hold it now, one VM each
        var third = placement.Place("x", []);                             // one is full (2 VMs): the other
        Assert.StartsWith("b", third);
        var spilled = placement.Place("x", []);                           // P1 is full: a P0 node, which now holds it
        Assert.StartsWith("a", spilled);
        var rest = spilled == "a1" ? "a2" : "a1";
        Assert.Equal(1, placement.FetchSeconds(rest, "P0", "x"));          // its PoP holds it now
        Assert.Equal(spilled, placement.Place("x", []));                  // the P0 node holding it, over the one that would fetch it
        Assert.Equal(rest, placement.Place("x", []));
        Assert.Equal(rest, placement.Place("x", []));                     // the eighth and last place
        Assert.Throws<InvalidOperationException>(() => placement.Place("x", []));
    }

    [Fact]
    public void Image_blind_placement_spreads_by_load_alone()
    {
        var placement = Placement(aware: false);
        var nodes = Enumerable.Range(0, 4).Select(_ => placement.Place("x", [])).Order().ToList();
        Assert.Equal(["a1", "a2", "b1", "b2"], nodes);
    }

    [Fact]
    public void The_same_seed_draws_the_same_workload_and_bad_settings_name_their_option()
    {
        var settings = new ImageWorkloadSettings { Ves = 20, Pops = 2, NodesPerPop = 16, Images = new SyntheticImageSpec { Families = 2, Versions = 2, ImageBytes = 64L << 20 } };
        var one = ImageWorkload.Generate(settings);
        var two = ImageWorkload.Generate(settings);
        Assert.Equal(one.Vms, two.Vms);
        Assert.Equal(40, one.Vms.Count);
        Assert.All(one.Vms.GroupBy(v => v.Ve), ve => Assert.Equal(2, ve.Select(v => v.Node).Distinct().Count()));
        Assert.All(one.Vms.GroupBy(v => v.Node), node => Assert.True(node.Count() <= settings.VmsPerNode, $"{node.Key}: {node.Count()} VMs"));
        Assert.Equal(["pop-00", "pop-01", "pop-00", "pop-01"], one.Images.Select(i => one.Origins[ImageDistribution.KeyOf(i)]));

        Assert.Equal(["ves: 100 VEs of 2 VMs exceed the room of 2 PoPs x 16 nodes x 2 VMs"], (settings with { Ves = 100 }).Problems());
        Assert.Equal(["zipf: must be within [0, 10], got -1", "boot-seconds: must be within [0, 3600], got -2"], (settings with { Zipf = -1, BootSeconds = -2 }).Problems());
    }
}
