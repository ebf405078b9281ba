using Discovery.Scheduling;
using Discovery.Scheduling.Protocol;

namespace Discovery.Tests.Scheduling.Protocol;

/// <summary>The leader's side of the protocol: guarded transitions, absorption rules, release on every outcome.</summary>
public sealed class PartitionLifecycleTests
{
    private static PartitionLifecycle Growing(string id = "p5", params string[] more)
    {
        var p = new PartitionLifecycle(id);
        p.Start("n0");
        foreach (var n in more) p.Add(n);
        return p;
    }

    [Fact]
    public void The_states_follow_the_protocol_order()
    {
        var p = new PartitionLifecycle("p5");
        Assert.Equal(PartitionState.Created, p.State);
        Assert.Throws<InvalidOperationException>(p.Block);          // not started
        p.Start("n0");
        Assert.Equal(PartitionState.Growing, p.State);
        Assert.Throws<InvalidOperationException>(() => p.Start("n1"));
        p.Block();
        Assert.Equal(PartitionState.Blocked, p.State);
        Assert.Throws<InvalidOperationException>(() => p.BeginApplying()); // a plan is only applied from Growing
        p.Resume();
        p.BeginApplying();
        Assert.Equal(PartitionState.Applying, p.State);
        Assert.Throws<InvalidOperationException>(() => p.Add("n3"));
        Assert.Equal(["n0"], p.Finish());
        Assert.Equal(PartitionState.Finished, p.State);
    }

    [Theory]
    [InlineData(PartitionState.Growing, true)]
    [InlineData(PartitionState.Blocked, true)]
    [InlineData(PartitionState.Applying, false)]
    [InlineData(PartitionState.Finished, false)]
    [InlineData(PartitionState.Created, false)]
    public void Only_a_growing_or_blocked_partition_can_be_absorbed(PartitionState state, bool absorbable)
    {
        var p = new PartitionLifecycle("p5");
        if (state != PartitionState.Created) p.Start("n0");
        if (state == PartitionState.Blocked) p.Block();
        if (state == PartitionState.Applying) p.BeginApplying();
        if (state == PartitionState.Finished) p.Finish();

        var handed = p.TryAbsorbInto("p9");
        if (absorbable)
        {
            Assert.Equal(["n0"], handed);
            Assert.Equal("p9", p.AbsorbedBy);
            Assert.Equal((PartitionOutcome.Absorbed, "absorbed by p9"), p.Interruption);
        }
        else
        {
            Assert.Null(handed);
            Assert.Null(p.AbsorbedBy);
        }
    }

    [Fact]
    public void Trimming_to_the_size_cap_gives_back_the_last_nodes_and_only_while_deciding()
    {
        var p = Growing("p5", "n1", "n2", "n3");
        Assert.Empty(p.Trim(4));
        Assert.Equal(["n2", "n3"], p.Trim(2));
        Assert.Equal(["n0", "n1"], p.Nodes);
        p.BeginApplying();
        Assert.Throws<InvalidOperationException>(() => p.Trim(1));
    }

    [Fact]
    public void Only_a_higher_id_absorbs_and_only_once()
    {
        var p = Growing("p5", "n1");
        Assert.Null(p.TryAbsorbInto("p3"));
        Assert.Null(p.TryAbsorbInto("p5"));
        Assert.Equal(["n0", "n1"], p.TryAbsorbInto("p7"));
        Assert.Null(p.TryAbsorbInto("p9"));
        Assert.Empty(p.Nodes);
        Assert.Throws<InvalidOperationException>(() => p.BeginApplying()); // an absorbed partition never applies a plan
    }

    [Fact]
    public void A_blocked_partition_absorbs_the_lower_ids_it_met_and_waits_for_higher_ones()
    {
        var p = Growing("p5");
        p.Met("p3");
        p.Met("p8");
        p.Met("p1");
        p.Met("p5"); // itself: ignored
        Assert.Throws<InvalidOperationException>(() => p.TakeAbsorbable()); // only once blocked
        p.Block();
        Assert.Equal(["p1", "p3"], p.TakeAbsorbable());
        Assert.Empty(p.TakeAbsorbable());
        Assert.True(p.MetHigher);
        Assert.False(Growing("p5").MetHigher);
    }

    [Theory]
    [InlineData(PartitionOutcome.Solved)]
    [InlineData(PartitionOutcome.Vanished)]
    [InlineData(PartitionOutcome.GaveUp)]
    [InlineData(PartitionOutcome.Failed)]
    public void Every_outcome_releases_every_node_held(PartitionOutcome outcome)
    {
        var p = Growing("p5", "n1", "n2");
        if (outcome == PartitionOutcome.Solved) p.BeginApplying();
        if (outcome == PartitionOutcome.GaveUp) p.Block();
        Assert.Equal(["n0", "n1", "n2"], p.Finish());
    }

    [Fact]
    public void Nodes_granted_after_an_absorption_are_still_released_by_the_absorbed_partition()
    {
        var p = Growing("p5", "n1");
        p.TryAbsorbInto("p9");
        p.Add("n2"); // a reservation granted while the absorption ran
        Assert.Equal(["n2"], p.Finish());
    }

    [Fact]
    public void A_lost_lease_interrupts_unless_the_partition_was_absorbed()
    {
        var p = Growing("p5", "n1");
        p.LoseLease("n9"); // not ours
        Assert.Null(p.Interruption);
        p.LoseLease("n1");
        Assert.Equal((PartitionOutcome.Failed, "lost the lease of n1"), p.Interruption);

        var absorbed = Growing("p5", "n1");
        absorbed.TryAbsorbInto("p9");
        absorbed.LoseLease("n1");
        Assert.Equal(PartitionOutcome.Absorbed, absorbed.Interruption!.Value.Outcome);
    }
}
