using Discovery.Overlay;

namespace Discovery.Tests.Overlay;

public sealed class RingOverlayTests
{
    [Fact]
    public void Successor_is_the_next_node_of_the_site_then_the_next_site_wrapping_round()
    {
        var overlay = new RingOverlay([("b2", "site-b"), ("a1", "site-a"), ("b1", "site-b"), ("a2", "site-a")]);
        Assert.Equal(["a1", "a2", "b1", "b2"], overlay.Nodes);
        Assert.Equal("a2", overlay.Successor("a1"));
        Assert.Equal("b1", overlay.Successor("a2"));
        Assert.Equal("a1", overlay.Successor("b2"));
        Assert.Null(overlay.Successor("ghost"));
    }

    [Fact]
    public void A_node_listed_twice_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new RingOverlay([("a", "s"), ("a", "s")]));
        Assert.Contains("'a' appears twice", e.Message);
    }
}
