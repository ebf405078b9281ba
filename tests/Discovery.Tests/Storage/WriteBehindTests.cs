using Discovery.Storage;

namespace Discovery.Tests.Storage;

/// <summary><see cref="WriteBehind{T}"/>: many changes cost one write, none costs none, a failed write is retried at the next flush.</summary>
public sealed class WriteBehindTests
{
    /// <summary>A state that counts its writes and fails the ones it is told to.</summary>
    private sealed class CountingState : IPersistentState<int>
    {
        public int Writes { get; private set; }
        public int FailNext { get; set; }
        public int State { get; set; }
        public string? Etag => null;
        public bool RecordExists => Writes > 0;
        public Task ClearStateAsync() => Task.CompletedTask;
        public Task ReadStateAsync() => Task.CompletedTask;
        public Task ClearStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task ReadStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task WriteStateAsync() => WriteStateAsync(CancellationToken.None);

        public Task WriteStateAsync(CancellationToken cancellationToken)
        {
            if (FailNext > 0)
            {
                FailNext--;
                throw new IOException("storage unavailable");
            }
            Writes++;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Nothing_changed_writes_nothing_and_many_changes_write_once()
    {
        var state = new CountingState();
        var writeBehind = new WriteBehind<int>(state);
        await writeBehind.FlushAsync();
        Assert.Equal(0, state.Writes);

        for (var i = 0; i < 1000; i++)
        {
            state.State = i;
            writeBehind.Changed();
        }
        await writeBehind.FlushAsync();
        Assert.Equal(1, state.Writes);
        await writeBehind.FlushAsync(); // written already: nothing pending
        Assert.Equal(1, state.Writes);

        writeBehind.Changed();
        await writeBehind.FlushAsync();
        Assert.Equal(2, state.Writes);
    }

    [Fact]
    public async Task A_failed_write_throws_and_is_written_at_the_next_flush()
    {
        var state = new CountingState { FailNext = 1 };
        var writeBehind = new WriteBehind<int>(state);
        writeBehind.Changed();
        var failure = await Assert.ThrowsAsync<IOException>(() => writeBehind.FlushAsync());
        Assert.Equal("storage unavailable", failure.Message);
        Assert.Equal(0, state.Writes);

        await writeBehind.FlushAsync(); // still pending: written now, without a new change
        Assert.Equal(1, state.Writes);
        await writeBehind.FlushAsync();
        Assert.Equal(1, state.Writes);
    }
}
