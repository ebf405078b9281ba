using Discovery.Model;
using Discovery.Overlay;
using Discovery.Scheduling;
using Discovery.Scheduling.Protocol;

namespace Discovery.Tests.Scheduling.Protocol;

/// <summary>A partition's growth without a cluster: walk order, the DVMS shortcut, the size cap and the headroom rules.</summary>
public sealed class PartitionGrowthTests
{
    private sealed class FixedOverlay(OverlayMap map) : IOverlay
    {
        public OverlayMap Current { get; } = map;
    }

    /// <summary>One site, n0 to n5 in ring order: n0's walk is n1, n2, n3, n4, n5, n0.</summary>
    private static readonly IOverlay SixNodes = new FixedOverlay(new OverlayMap(Enumerable.Range(0, 6).Select(i => ($"n{i}", "s")), SiteDistances.None));

    private static PartitionGrowth NewGrowth(int maxSize = 16, double? headroomTarget = 0.9, int headroomGrowth = 2) =>
        new("n0", SixNodes, maxSize, headroomTarget, headroomGrowth);

    private static ReserveReply HeldBy(string partition) => new(false, partition);

    private static ReserveReply Granted(double load, int? capacity = 1000) => new(true, null, load, capacity);

    /// <summary>An initiator of 1,000 CPU units demanding <paramref name="demand"/>.</summary>
    private static NodeSnapshot Initiator(int demand) =>
        new("n0", "s", new Resources(1000, 16384), [new VmSnapshot("v", VmState.Running, 10, 1024, demand, "n0")], false, DateTimeOffset.UnixEpoch);

    /// <summary>Grows as a partition does when every node is granted: the nodes taken, in order.</summary>
    private static List<string> TakeAll(PartitionGrowth growth, List<string> held)
    {
        var taken = new List<string>();
        while (growth.Sweep(forHeadroom: false) is var sweep && sweep.Next(held) is { } node)
        {
            Assert.Equal(GrowthMove.Take, sweep.Consider(ReserveReply.Grant));
            held.Add(node);
            taken.Add(node);
        }
        return taken;
    }

    [Fact]
    public void Growth_follows_the_initiators_walk_and_each_growth_resumes_where_the_last_stopped()
    {
        var growth = NewGrowth();
        Assert.Equal(["n1", "n2", "n3", "n4", "n5"], TakeAll(growth, ["n0"]));
        Assert.Equal("n5", growth.Cursor); // the last growth went once round the overlay and found nothing left
    }

    [Fact]
    public void A_met_partitions_nodes_are_skipped_and_it_is_asked_for_them_once()
    {
        var growth = NewGrowth();
        var sweep = growth.Sweep(forHeadroom: false);
        Assert.Equal("n1", sweep.Next(["n0"]));
        Assert.Equal(GrowthMove.Refused, sweep.Consider(HeldBy("p1")));
        Assert.True(growth.FirstMeeting("p1"));
        growth.Learned(PartitionState.Growing, ["n1", "n2", "n3"]);
        Assert.Equal("n4", sweep.Next(["n0"])); // n2 and n3 are p1's: not probed
        Assert.Equal(GrowthMove.Refused, sweep.Consider(HeldBy("p1")));
        Assert.False(growth.FirstMeeting("p1")); // asked already this round
    }

    [Fact]
    public void Only_a_running_partitions_nodes_are_skipped_a_finished_or_unstarted_ones_are_probed()
    {
        var growth = NewGrowth();
        growth.Learned(PartitionState.Finished, ["n1"]);
        growth.Learned(PartitionState.Created, ["n2"]);
        growth.Learned(PartitionState.Blocked, ["n3"]);
        var sweep = growth.Sweep(forHeadroom: false);
        Assert.Equal("n1", sweep.Next(["n0"]));
        Assert.Equal("n2", sweep.Next(["n0"]));
        Assert.Equal("n4", sweep.Next(["n0"])); // n3 is a blocked partition's
    }

    [Fact]
    public void After_a_full_round_of_the_overlay_the_shortcut_is_forgotten_and_the_met_partitions_are_probed_again()
    {
        var growth = NewGrowth();
        var sweep = growth.Sweep(forHeadroom: false);
        Assert.Equal("n1", sweep.Next(["n0"]));
        Assert.True(growth.FirstMeeting("p1"));
        growth.Learned(PartitionState.Growing, ["n1", "n2", "n3"]);
        Assert.Equal("n4", sweep.Next(["n0"]));
        Assert.True(growth.FirstMeeting("p2"));
        growth.Learned(PartitionState.Growing, ["n4", "n5"]);
        Assert.Null(sweep.Next(["n0"])); // n5 skipped, n0 held: six steps, round the overlay

        var again = growth.Sweep(forHeadroom: false);
        Assert.Equal("n1", again.Next(["n0"]));
        Assert.Equal("n2", again.Next(["n0"])); // no longer skipped
        Assert.True(growth.FirstMeeting("p1")); // asked again
    }

    [Fact]
    public void A_growth_walks_at_most_once_round_the_overlay()
    {
        var growth = NewGrowth();
        var sweep = growth.Sweep(forHeadroom: false);
        var seen = new List<string?>();
        for (var i = 0; i < 7; i++) seen.Add(sweep.Next(["n0"]));
        Assert.Equal(["n1", "n2", "n3", "n4", "n5", null, null], seen);
    }

    [Fact]
    public void A_lone_initiator_has_nowhere_to_grow()
    {
        var growth = new PartitionGrowth("n0", new FixedOverlay(new OverlayMap([("n0", "s")], SiteDistances.None)), 16, 0.9, 2);
        Assert.Null(growth.Sweep(forHeadroom: false).Next(["n0"]));
    }

    [Fact]
    public void The_size_cap_is_reached_at_exactly_max_size()
    {
        var growth = NewGrowth(maxSize: 3);
        Assert.False(growth.AtSizeCap(2));
        Assert.True(growth.AtSizeCap(3));
        Assert.True(growth.AtSizeCap(4)); // a merge may go past it before trimming
        Assert.Equal(3, growth.MaxSize);
    }

    [Fact]
    public void Growing_for_headroom_hands_back_at_most_twice_the_headroom_growth_nodes_without_room_then_keeps_one()
    {
        var growth = NewGrowth(headroomGrowth: 2); // 4 probes per growth
        var sweep = growth.Sweep(forHeadroom: true);
        var moves = new List<GrowthMove>();
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(sweep.Next(["n0"]));
            moves.Add(sweep.Consider(Granted(0.95)));
        }
        Assert.Equal([GrowthMove.HandBack, GrowthMove.HandBack, GrowthMove.HandBack, GrowthMove.HandBack, GrowthMove.Take], moves);
        // A new growth has its own probes; a refusal spends none; a node with room is kept.
        var next = growth.Sweep(forHeadroom: true);
        Assert.Equal(GrowthMove.Refused, next.Consider(HeldBy("p1")));
        Assert.Equal(GrowthMove.HandBack, next.Consider(Granted(0.95)));
        Assert.Equal(GrowthMove.Take, next.Consider(Granted(0.5)));
    }

    [Fact]
    public void Growing_for_a_solution_keeps_any_granted_node()
    {
        var sweep = NewGrowth().Sweep(forHeadroom: false);
        Assert.Equal(GrowthMove.Take, sweep.Consider(Granted(0.99)));
    }

    [Fact]
    public void The_headroom_growth_budget_allows_exactly_headroom_growth_nodes()
    {
        var growth = NewGrowth(headroomGrowth: 2);
        Assert.True(growth.MayGrowForHeadroom);
        growth.GrewForHeadroom();
        Assert.True(growth.MayGrowForHeadroom);
        growth.GrewForHeadroom();
        Assert.False(growth.MayGrowForHeadroom);
    }

    [Fact]
    public void The_initiator_must_shed_what_it_demands_above_the_headroom_target()
    {
        var growth = NewGrowth();
        growth.ReadInitiator(Initiator(950));
        Assert.Equal(50, growth.Shed);
        growth.ReadInitiator(Initiator(800));
        Assert.Equal(0, growth.Shed);
        var noTarget = NewGrowth(headroomTarget: null);
        noTarget.ReadInitiator(Initiator(950));
        Assert.Equal(0, noTarget.Shed);
    }

    [Fact]
    public void A_node_has_room_when_it_can_take_the_shed_cpu_and_stay_at_or_under_the_target()
    {
        var growth = NewGrowth();
        growth.ReadInitiator(Initiator(950)); // sheds 50 of 1,000 units; the target leaves 900 on a node of 1,000
        Assert.True(growth.HasRoom(Granted(0.85))); // 900 - 850 = 50: exactly the shed
        Assert.False(growth.HasRoom(Granted(0.851))); // 900 - 851 = 49
        Assert.False(growth.HasRoom(Granted(0.85, capacity: 900))); // floor(810) - round(765) = 45
    }

    [Fact]
    public void Without_capacity_a_node_has_room_under_the_target_and_without_load_or_target_always()
    {
        var growth = NewGrowth();
        growth.ReadInitiator(Initiator(950));
        Assert.True(growth.HasRoom(Granted(0.899, capacity: null)));
        Assert.False(growth.HasRoom(Granted(0.9, capacity: null))); // at the target: no room
        Assert.False(growth.HasRoom(Granted(0.9, capacity: 1000)));
        Assert.True(growth.HasRoom(ReserveReply.Grant)); // no load reported
        var noTarget = NewGrowth(headroomTarget: null);
        Assert.True(noTarget.HasRoom(Granted(1.2)));
    }
}
