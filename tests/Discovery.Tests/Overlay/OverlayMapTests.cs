using Discovery.Overlay;

namespace Discovery.Tests.Overlay;

public sealed class OverlayMapTests
{
    private static readonly (string, string)[] ThreeSites =
        [("c3", "c"), ("a2", "a"), ("b2", "b"), ("a1", "a"), ("c1", "c"), ("a3", "a"), ("c4", "c"), ("b1", "b"), ("c2", "c")];

    private static List<string> Walk(OverlayMap map, string origin, int steps)
    {
        var walk = new List<string>();
        string? cursor = null;
        for (var i = 0; i < steps; i++) walk.Add(cursor = map.Next(origin, cursor)!);
        return walk;
    }

    [Fact]
    public void A_walk_goes_round_its_own_site_then_the_nearest_site_entered_at_the_origin_s_relative_position_then_round_again()
    {
        var map = new OverlayMap(ThreeSites, new SiteDistances(new Dictionary<string, Dictionary<string, double>> { ["a"] = new() { ["c"] = 1, ["b"] = 5 } }));
        // a2 is the 2nd of 3 in its site: site c (4 nodes) is entered at index 1 (c2), site b (2 nodes) at index 0.
        Assert.Equal(["a3", "a1", "a2", "c2", "c3", "c4", "c1", "b1", "b2", "a3"], Walk(map, "a2", 10));
        Assert.Equal(9, map.Count);
        Assert.Equal(["a", "b", "c"], map.Sites);
    }

    [Fact]
    public void Distances_hold_both_ways_and_without_any_the_sites_after_the_origin_s_name_come_first()
    {
        // Given as a to c only: from c, a is the nearest; b, not given, comes last. c3 is the 3rd of 4: a entered at 1, b at 1.
        var given = new OverlayMap(ThreeSites, new SiteDistances(new Dictionary<string, Dictionary<string, double>> { ["a"] = new() { ["c"] = 1 } }));
        Assert.Equal(["c4", "c1", "c2", "c3", "a2", "a3", "a1", "b2", "b1"], Walk(given, "c3", 9));

        var none = new OverlayMap(ThreeSites, SiteDistances.None);
        Assert.Equal(["b2", "b1", "c1", "c2", "c3", "c4", "a1", "a2", "a3"], Walk(none, "b1", 9));
    }

    [Fact]
    public void Unknown_nodes_a_lone_node_and_a_cursor_that_left()
    {
        var map = new OverlayMap(ThreeSites, SiteDistances.None);
        Assert.Null(map.Next("ghost", null));
        Assert.Null(new OverlayMap([("only", "s")], SiteDistances.None).Next("only", null));
        Assert.Equal("a3", map.Next("a2", "gone")); // restarts at the first node of the walk
        Assert.Equal("c", map.SiteOf("c2"));
        Assert.Null(map.SiteOf("ghost"));
        // Alone in its site, the origin's walk starts in the next site.
        Assert.Equal("y1", new OverlayMap([("x1", "x"), ("y1", "y")], SiteDistances.None).Next("x1", null));
    }

    [Fact]
    public void A_node_twice_and_a_negative_distance_are_refused_by_name()
    {
        Assert.Equal("node 'a' appears twice in the overlay (Parameter 'nodes')",
            Assert.Throws<ArgumentException>(() => new OverlayMap([("a", "s"), ("a", "t")], SiteDistances.None)).Message);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SiteDistances(new Dictionary<string, Dictionary<string, double>> { ["a"] = new() { ["b"] = -1 } }));
        Assert.StartsWith("SiteDistances:a:b: must be a non-negative number, got -1", e.Message);
        Assert.Equal(["SiteDistances:a:b: 1 one way and 5 the other; a distance holds both ways, give it once"],
            SiteDistances.Problems(new Dictionary<string, Dictionary<string, double>> { ["a"] = new() { ["b"] = 1 }, ["b"] = new() { ["a"] = 5 } }));
    }
}
