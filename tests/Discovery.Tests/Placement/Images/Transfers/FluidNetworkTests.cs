using Discovery.Images.Transfers;

namespace Discovery.Tests.Placement.Images.Transfers;

/// <summary>The fluid model's clock and sharing: per-link equal split, rates set again when a flow starts or ends, items whole.</summary>
public sealed class FluidNetworkTests
{
    private sealed class Log : IFlowOwner
    {
        public List<(string Item, double At)> Items { get; } = [];
        public List<double> Ends { get; } = [];
        public FluidNetwork Network { get; init; } = null!;
        public void Delivered(Flow flow, TransferItem item) => Items.Add((item.Key, Network.Now));
        public void Ended(Flow flow) => Ends.Add(Network.Now);
    }

    [Fact]
    public void Flows_on_one_link_share_it_equally_and_the_survivor_speeds_up_when_the_other_ends()
    {
        var network = new FluidNetwork();
        var shared = new Link("shared", 10);
        var slow = new Link("slow", 2);
        var a = new Log { Network = network };
        var b = new Log { Network = network };
        // a: 10 bytes on the shared link alone; b: 4 + 4 bytes, also held to 2 B/s by its own slow link.
        network.Start(a, "s", "a", [shared], [new TransferItem("a1", 10)]);
        network.Start(b, "s", "b", [shared, slow], [new TransferItem("b1", 4), new TransferItem("b2", 4)]);
        network.Run();

        // Equal split: a gets 5 B/s (not the 8 max-min would give it), b 2 B/s: a ends at 2 s; b's items at 2 s and 4 s.
        Assert.Equal([("a1", 2.0)], a.Items);
        Assert.Equal([("b1", 2.0), ("b2", 4.0)], b.Items);
        Assert.Equal([4.0], b.Ends);
    }

    [Fact]
    public void A_cancelled_flow_gives_back_its_items_and_loses_the_part_of_the_one_under_way()
    {
        var network = new FluidNetwork();
        var owner = new Log { Network = network };
        var flow = network.Start(owner, "s", "d", [new Link("l", 4)], [new TransferItem("x", 4), new TransferItem("y", 4)]);
        IReadOnlyList<TransferItem> left = [];
        network.At(1.5, () => left = network.Cancel(flow));
        network.Run();

        Assert.Equal([("x", 1.0)], owner.Items);
        Assert.Equal(["y"], left.Select(i => i.Key));
        Assert.Equal(2.0, flow.LostBytes);
        Assert.Equal(6.0, flow.BytesMoved);
        Assert.Empty(owner.Ends);
    }
}
