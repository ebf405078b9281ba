using Discovery.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Monitoring;

/// <summary>A node's health on a fake clock: each rule has a test that fails when the rule is broken.</summary>
public sealed class NodeHealthTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NodeDownGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SiloLossGrace = TimeSpan.FromSeconds(30);
    private const int RepeatEvery = 60; // the node grain's
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    private NodeHealth NewHealth(TimeSpan? nodeDownGrace = null) => new(_time, nodeDownGrace ?? NodeDownGrace, SiloLossGrace, RepeatEvery);

    private static NodeHealthStep Step(NodeHealthAction action, double seconds, bool began = false) => new(action, began, TimeSpan.FromSeconds(seconds));

    /// <summary>Advances the clock to <paramref name="at"/> after <see cref="Start"/>.</summary>
    private void At(TimeSpan at) => _time.Advance(Start + at - _time.GetUtcNow());

    [Fact]
    public void A_node_that_answers_is_healthy_and_asks_nothing()
    {
        var health = NewHealth();
        Assert.Equal(Step(NodeHealthAction.None, 0), health.Answered());
        Assert.Null(health.UnreachableSince);
        Assert.False(health.Down);
        Assert.False(health.Troubled);
        Assert.False(health.OutOfOverlay);
        Assert.Equal(NodeDownGrace, health.Grace);
    }

    [Fact]
    public void A_node_is_marked_down_at_its_grace_and_not_one_period_or_one_clock_tick_before()
    {
        var health = NewHealth();
        Assert.Equal(Step(NodeHealthAction.None, 0, began: true), health.Missed());
        Assert.Equal(Start, health.UnreachableSince);
        Assert.True(health.Troubled);
        Assert.False(health.OutOfOverlay); // unreachable, not down: still takes part in partitions

        At(NodeDownGrace - Period);
        Assert.Equal(Step(NodeHealthAction.None, 9), health.Missed()); // reported unreachable once only
        At(NodeDownGrace - TimeSpan.FromTicks(1));
        Assert.Equal(new NodeHealthStep(NodeHealthAction.None, false, NodeDownGrace - TimeSpan.FromTicks(1)), health.Missed());
        Assert.False(health.Down);

        At(NodeDownGrace);
        Assert.Equal(Step(NodeHealthAction.MarkDown, 10), health.Missed());
        Assert.True(health.Down);
        Assert.True(health.OutOfOverlay);
        Assert.Equal(Start, health.UnreachableSince); // since the first failed read, not since marked down

        At(NodeDownGrace + Period);
        Assert.Equal(Step(NodeHealthAction.None, 11), health.Missed()); // marked down once
    }

    [Fact]
    public void Without_a_grace_the_first_failed_read_reports_the_node_unreachable_and_marks_it_down()
    {
        var health = NewHealth(TimeSpan.Zero);
        Assert.Equal(Step(NodeHealthAction.MarkDown, 0, began: true), health.Missed());
        Assert.True(health.Down);
    }

    [Fact]
    public void A_stand_in_is_unreachable_from_its_activation_and_waits_the_silo_loss_grace()
    {
        var health = NewHealth();
        At(TimeSpan.FromSeconds(2));
        health.StandIn();
        Assert.True(health.StandingIn);
        Assert.True(health.OutOfOverlay); // takes no partition even before it is down
        Assert.Equal(Start + TimeSpan.FromSeconds(2), health.UnreachableSince);
        Assert.Equal(SiloLossGrace, health.Grace);

        At(TimeSpan.FromSeconds(2) + NodeDownGrace);
        Assert.Equal(Step(NodeHealthAction.None, 10), health.Missed()); // a node of this silo would be down now
        At(TimeSpan.FromSeconds(2) + SiloLossGrace - Period);
        Assert.Equal(Step(NodeHealthAction.None, 29), health.Missed());
        Assert.False(health.Down);

        At(TimeSpan.FromSeconds(2) + SiloLossGrace);
        Assert.Equal(Step(NodeHealthAction.MarkDown, 30), health.Missed());
        Assert.True(health.Down);
    }

    [Fact]
    public void A_node_back_within_its_grace_is_back_from_unreachable_and_was_never_down()
    {
        var health = NewHealth();
        health.Missed();
        At(NodeDownGrace - Period);
        Assert.Equal(Step(NodeHealthAction.BackFromUnreachable, 9), health.Answered());
        Assert.Null(health.UnreachableSince);
        Assert.False(health.Down);
        Assert.False(health.Troubled);
        Assert.Equal(Step(NodeHealthAction.None, 0), health.Answered());

        // A new failure counts its grace afresh.
        At(TimeSpan.FromSeconds(20));
        Assert.Equal(Step(NodeHealthAction.None, 0, began: true), health.Missed());
        At(TimeSpan.FromSeconds(20) + NodeDownGrace - Period);
        Assert.Equal(Step(NodeHealthAction.None, 9), health.Missed());
    }

    [Fact]
    public void A_node_back_after_being_marked_down_is_back_from_down()
    {
        var health = NewHealth();
        health.Missed();
        At(NodeDownGrace);
        Assert.Equal(NodeHealthAction.MarkDown, health.Missed().Action);
        At(NodeDownGrace + TimeSpan.FromSeconds(5));
        Assert.Equal(Step(NodeHealthAction.BackFromDown, 15), health.Answered());
        Assert.Null(health.UnreachableSince);
        Assert.False(health.Down);
        Assert.False(health.OutOfOverlay);
        Assert.Equal(Step(NodeHealthAction.None, 0), health.Answered());
    }

    [Fact]
    public void An_activation_whose_node_is_listed_down_is_down_until_it_answers_and_its_answer_is_a_return_from_down()
    {
        var health = NewHealth();
        At(TimeSpan.FromSeconds(4));
        health.AlreadyMarkedDown();
        Assert.True(health.Down);
        Assert.Equal(Start + TimeSpan.FromSeconds(4), health.UnreachableSince);
        Assert.True(health.OutOfOverlay);

        At(TimeSpan.FromSeconds(4) + NodeDownGrace);
        Assert.Equal(Step(NodeHealthAction.None, 10), health.Missed()); // already down: not marked again, nor reported unreachable
        At(TimeSpan.FromSeconds(4) + NodeDownGrace + Period);
        Assert.Equal(Step(NodeHealthAction.BackFromDown, 11), health.Answered());
        Assert.False(health.Troubled);
    }

    [Fact]
    public void A_down_node_repeats_its_mark_down_every_sixtieth_failed_read_and_only_then()
    {
        var health = NewHealth(TimeSpan.Zero);
        Assert.Equal(NodeHealthAction.MarkDown, health.Missed().Action);
        var repeats = new List<int>();
        for (var read = 1; read <= 3 * RepeatEvery + 1; read++)
        {
            _time.Advance(Period);
            var step = health.Missed();
            Assert.False(step.BecameUnreachable);
            Assert.Equal(TimeSpan.FromSeconds(read), step.Unanswered);
            if (step.Action == NodeHealthAction.RepeatMarkDown) repeats.Add(read);
            else Assert.Equal(NodeHealthAction.None, step.Action);
        }
        Assert.Equal([60, 120, 180], repeats);
        Assert.True(health.Down);
    }
}
