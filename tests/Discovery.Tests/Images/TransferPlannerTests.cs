using Discovery.Images;

namespace Discovery.Tests.Images;

/// <summary>Nitro's multi-source split: every source that holds chunks sends its share, in proportion to its rate.</summary>
public sealed class TransferPlannerTests
{
    private static ChunkRef Chunk(int i, int size = 100) => new($"{i:x64}", size);

    private static HashSet<string> Holding(params int[] chunks) => [.. chunks.Select(i => Chunk(i).Digest)];

    [Fact]
    public void Chunks_held_by_two_sources_are_split_by_their_rates()
    {
        // 12 chunks of 100 bytes held by both; "fast" sends 200 B/s, "slow" 100 B/s: 8 and 4, both done at 4 s.
        var all = Enumerable.Range(0, 12).ToArray();
        var plan = TransferPlanner.Plan(all.Select(i => Chunk(i)), [new("fast", 200, Holding(all)), new("slow", 100, Holding(all))]);

        Assert.Equal(800, plan.BytesFrom("fast"));
        Assert.Equal(400, plan.BytesFrom("slow"));
        Assert.Equal(TimeSpan.FromSeconds(4), plan.Estimated);
        Assert.Empty(plan.Unavailable);
    }

    [Fact]
    public void The_rarest_chunks_go_first_to_their_only_holder()
    {
        // Chunks 0-3 only at "a"; 4-7 at both (same rate): "b" takes all of 4-7, "a" its own four.
        var plan = TransferPlanner.Plan(Enumerable.Range(0, 8).Select(i => Chunk(i)),
            [new("a", 100, Holding(0, 1, 2, 3, 4, 5, 6, 7)), new("b", 100, Holding(4, 5, 6, 7))]);

        Assert.Equal(Holding(0, 1, 2, 3), plan.BySource["a"].Select(c => c.Digest).ToHashSet());
        Assert.Equal(Holding(4, 5, 6, 7), plan.BySource["b"].Select(c => c.Digest).ToHashSet());
        Assert.Equal(TimeSpan.FromSeconds(4), plan.Estimated);
    }

    [Fact]
    public void Chunks_nobody_holds_are_reported_and_the_puller_link_caps_the_estimate()
    {
        var plan = TransferPlanner.Plan([Chunk(0), Chunk(1), Chunk(2)], [new("a", 1000, Holding(0)), new("b", 1000, Holding(1))], sinkBytesPerSecond: 50);

        Assert.Equal([Chunk(2)], plan.Unavailable);
        Assert.Equal(TimeSpan.FromSeconds(4), plan.Estimated); // 200 bytes over the puller's 50 B/s
    }
}
