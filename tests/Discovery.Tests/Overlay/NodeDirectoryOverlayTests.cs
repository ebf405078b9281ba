using Discovery.Model;
using Discovery.Monitoring;
using Discovery.Overlay;
using Discovery.Tests.Scheduling;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Discovery.Tests.Support.DvmsCluster;

namespace Discovery.Tests.Overlay;

/// <summary>
/// What each silo's overlay reads from the node directory: nothing while nothing changed, the nodes with their silo
/// after a change, never a node marked down; and the silo's overlay follows within a refresh.
/// </summary>
[Collection(DvmsCollection.Name)]
public sealed class NodeDirectoryOverlayTests
{
    [Fact]
    public async Task The_directory_answers_nothing_while_unchanged_and_the_silo_s_overlay_follows_joins_and_downs()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0), Vms(0, 0)]);
        var directory = c.Grains.GetGrain<INodeDirectoryGrain>(0);
        await c.WaitUntilAsync(async () => (await directory.NodesAsync()).Length == 2, "both nodes in the directory");
        var silo = c.Cluster.Silos[0].SiloAddress.ToParsableString();

        var first = (await directory.OverlayAsync(0))!;
        Assert.Equal([("n0", "local", silo), ("n1", "local", silo)], first.Nodes.Select(n => (n.Node, n.Site, n.Silo!)).Order());
        Assert.Null(await directory.OverlayAsync(first.Version)); // unchanged: nothing to send

        await directory.JoinAsync("far-1", "lyon", new Resources(800, 32768), "S10.0.0.9:11111:1");
        // n1 goes down as in production: unreachable, then marked down by its own health past the grace. Marked down by
        // hand while its hypervisor answers, its periodic join would bring it back (a flake: the test then waited forever).
        await c.Grains.GetGrain<INodeFaults>("n1").CrashNodeAsync();
        OverlayView? second = null;
        await c.WaitUntilAsync(async () => (second = await directory.OverlayAsync(first.Version)) is { Nodes.Length: 2 }, "the join and the down"); // one-way calls

        Assert.Equal([("far-1", "lyon"), ("n0", "local")], second!.Nodes.Select(n => (n.Node, n.Site)).Order());
        Assert.Equal(["n1"], second.Down.AsEnumerable());
        Assert.NotEqual(first.Version, second.Version);

        // The silo's overlay: a node of another silo joins it, a node marked down leaves it (its own node too).
        var overlay = c.Cluster.Silos[0].ServiceProvider.GetRequiredService<ClusterOverlay>();
        await overlay.RefreshAsync();
        Assert.Equal(["far-1", "n0"], new[] { "far-1", "n0", "n1" }.Where(overlay.Current.Contains));
        Assert.Equal("lyon", overlay.Current.SiteOf("far-1"));
    }

    [Fact]
    public async Task A_node_the_directory_forgot_is_announced_again_by_its_silo_at_the_next_refresh()
    {
        await using var c = await DvmsCluster.StartAsync([Vms(0, 0), Vms(0, 0)]);
        var directory = c.Grains.GetGrain<INodeDirectoryGrain>(0);
        await c.WaitUntilAsync(async () => (await directory.NodesAsync()).Length == 2, "both nodes in the directory");
        var silo = c.Cluster.Silos[0].SiloAddress.ToParsableString();
        var before = (await directory.OverlayAsync(0))!.Version;

        // What a duplicate activation of the directory losing the race during a silo's join does: the join is gone.
        await directory.LeaveAsync("n1");
        await c.WaitUntilAsync(async () => await directory.OverlayAsync(before) is not null, "the directory changed"); // one-way call
        await c.Cluster.Silos[0].ServiceProvider.GetRequiredService<ClusterOverlay>().RefreshAsync();

        var after = (await directory.OverlayAsync(0))!;
        Assert.Equal([("n0", silo), ("n1", silo)], after.Nodes.Select(n => (n.Node, n.Silo!)).Order());
    }
}

public sealed class DirectoryEntriesTests
{
    private static NodeAnnouncement Node(string name, string silo) => new(name, "local", new Resources(400, 16384), silo);

    [Fact]
    public void Missing_are_the_joined_nodes_the_view_lacks_or_gives_another_silo_and_not_those_it_holds_down()
    {
        var entries = new DirectoryEntries();
        foreach (var n in new[] { "n0", "n1", "n2", "n3" }) entries.Joined(Node(n, "S1"));
        var view = new OverlayView(7, [Node("n0", "S1"), Node("n1", "S2")], ["n2"]);

        Assert.Equal(["n1", "n3"], entries.MissingFrom(view).Select(n => n.Node));
        Assert.Equal("S1", entries.MissingFrom(view)[0].Silo);

        entries.MarkedDown("n3");
        Assert.Equal(["n1"], entries.MissingFrom(view).Select(n => n.Node));
    }
}
