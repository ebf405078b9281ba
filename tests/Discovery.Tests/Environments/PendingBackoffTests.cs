using Discovery.Environments;

namespace Discovery.Tests.Environments;

/// <summary>A Pending VE's waits between its own tries: 10 s doubling to 5 min, each ±20 %, starting over on <see cref="PendingBackoff.Reset"/>.</summary>
public sealed class PendingBackoffTests
{
    /// <summary>A "random" source that returns the given draws in turn.</summary>
    private sealed class Draws(params double[] values) : Random
    {
        private int _next;

        public override double NextDouble() => values[_next++ % values.Length];
    }

    private static double[] Seconds(PendingBackoff backoff, int count) => [.. Enumerable.Range(0, count).Select(_ => Math.Round(backoff.Next().TotalSeconds, 6))];

    [Fact]
    public void Without_jitter_the_waits_double_from_10_s_to_5_min()
    {
        var backoff = new PendingBackoff(new PendingRetryPolicy(), new Draws(0.5));
        Assert.Equal([10, 20, 40, 80, 160, 300, 300, 300], Seconds(backoff, 8));
    }

    [Fact]
    public void The_jitter_moves_each_wait_by_up_to_20_percent_either_way()
    {
        var backoff = new PendingBackoff(new PendingRetryPolicy(), new Draws(0, 1, 0.25, 0.75, 0.5, 0));
        Assert.Equal([8, 24, 36, 88, 160, 240], Seconds(backoff, 6));
    }

    [Fact]
    public void A_reset_starts_over_at_the_first_wait()
    {
        var backoff = new PendingBackoff(new PendingRetryPolicy(), new Draws(0.5));
        Assert.Equal([10, 20, 40], Seconds(backoff, 3));
        backoff.Reset();
        Assert.Equal([10, 20], Seconds(backoff, 2));
    }

    [Fact]
    public void A_seeded_schedule_is_the_same_every_run()
    {
        var policy = new PendingRetryPolicy { Seed = 7 };
        var first = Seconds(new PendingBackoff(policy, new Random(7)), 7);
        Assert.Equal(first, Seconds(new PendingBackoff(policy, new Random(7)), 7));
        double[] nominal = [10, 20, 40, 80, 160, 300, 300];
        Assert.All(first.Zip(nominal), p => Assert.InRange(p.First, p.Second * 0.8, p.Second * 1.2));
        Assert.NotEqual(nominal, first);
    }

    [Fact]
    public void A_bad_policy_is_refused_with_each_problem() =>
        Assert.Equal([
                "PendingRetry.Initial: must be positive, got 00:00:00",
                "PendingRetry.Max: must be at least Initial (00:00:00), got -00:00:01",
                "PendingRetry.Jitter: must be within 0 (none) and 1 (excluded), got 1",
            ], new PendingRetryPolicy { Initial = TimeSpan.Zero, Max = TimeSpan.FromSeconds(-1), Jitter = 1 }.Problems());
}
