using Discovery.Client;

namespace Discovery.Tests.Client;

/// <summary>A watcher's bounded queue: the oldest dropped when full, and a lagged notice with the exact count where they were.</summary>
public sealed class WatchBufferTests
{
    private static List<object> Drain(WatchBuffer buffer)
    {
        var items = new List<object>();
        while (buffer.TryTake(out var item)) items.Add(item);
        return items;
    }

    [Fact]
    public void A_full_buffer_drops_the_oldest_and_says_how_many_before_what_is_left()
    {
        var buffer = new WatchBuffer(3);
        for (var i = 1; i <= 5; i++) buffer.Add(i);

        Assert.Equal([new WatchLagged(2), 3, 4, 5], Drain(buffer));

        buffer.Add(6);
        Assert.Equal([6], Drain(buffer)); // a lag is told once
    }

    [Fact]
    public void A_lag_is_delivered_in_order_between_what_was_read_and_what_came_after()
    {
        var buffer = new WatchBuffer(2);
        buffer.Add("a");
        buffer.Add("b");
        Assert.True(buffer.TryTake(out var first));
        Assert.Equal("a", first);
        buffer.Add("c");
        buffer.Add("d"); // full: "b" goes
        buffer.Add("e"); // and "c"

        Assert.Equal([new WatchLagged(2), "d", "e"], Drain(buffer));
    }

    [Fact]
    public void Below_its_capacity_nothing_is_dropped()
    {
        var buffer = new WatchBuffer(WatchBuffer.DefaultCapacity);
        for (var i = 0; i < 1024; i++) buffer.Add(i);
        Assert.Equal(Enumerable.Range(0, 1024).Cast<object>(), Drain(buffer));
        buffer.Add(1024);
        buffer.Add(1025);
        Assert.Equal([1024, 1025], Drain(buffer));
    }

    [Fact]
    public async Task A_reader_waiting_for_the_next_item_is_woken_by_it()
    {
        var buffer = new WatchBuffer(4);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var reader = buffer.ReadAllAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = reader.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);

        buffer.Add("x");

        Assert.True(await next);
        Assert.Equal("x", reader.Current);
    }

    [Fact]
    public void A_capacity_below_one_is_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => new WatchBuffer(0));
}
