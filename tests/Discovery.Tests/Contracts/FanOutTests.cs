using Discovery.Grains;

namespace Discovery.Tests.Contracts;

/// <summary>The one chunked fan-out: width, order, and each failure policy, with calls whose completion the test controls.</summary>
public sealed class FanOutTests
{
    /// <summary>Calls that finish only when the test says so, recording how many were in flight at most.</summary>
    private sealed class GatedCalls
    {
        private readonly Dictionary<int, TaskCompletionSource<int>> _pending = [];
        private readonly Lock _gate = new(); // a chunk starts on the thread that ended the last one
        private int _inFlight;

        public int MostInFlight { get; private set; }
        public List<int> Started { get; } = [];

        public Task<int> Call(int item)
        {
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                Started.Add(item);
                MostInFlight = Math.Max(MostInFlight, ++_inFlight);
                _pending[item] = done;
            }
            return done.Task;
        }

        /// <summary>Ends every call in flight: each returns its item times ten, or throws for <paramref name="failing"/>.</summary>
        public void EndAll(params int[] failing)
        {
            List<KeyValuePair<int, TaskCompletionSource<int>>> ending;
            lock (_gate)
            {
                ending = [.. _pending];
                _pending.Clear();
                _inFlight -= ending.Count;
            }
            foreach (var (item, done) in ending)
            {
                if (failing.Contains(item)) done.SetException(new InvalidOperationException($"item {item} failed"));
                else done.SetResult(item * 10);
            }
        }

        /// <summary>Ends the calls in flight, chunk after chunk, until <paramref name="fanOut"/> is over.</summary>
        public async Task<T> DriveAsync<T>(Task<T> fanOut, params int[] failing)
        {
            while (!fanOut.IsCompleted)
            {
                await Task.Yield();
                EndAll(failing);
                await Task.WhenAny(fanOut, Task.Delay(10));
            }
            return await fanOut;
        }
    }

    [Fact]
    public async Task At_most_the_width_is_in_flight_and_results_come_in_the_items_order()
    {
        var calls = new GatedCalls();
        var results = await calls.DriveAsync(FanOut.AllAsync(Enumerable.Range(1, 7), calls.Call, width: 3));
        Assert.Equal([10, 20, 30, 40, 50, 60, 70], results);
        Assert.Equal(3, calls.MostInFlight);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], calls.Started);
    }

    [Fact]
    public async Task Fail_throws_the_first_failure_once_its_chunk_has_ended_and_starts_no_further_chunk()
    {
        var calls = new GatedCalls();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => calls.DriveAsync(FanOut.AllAsync(Enumerable.Range(1, 6), calls.Call, width: 2), failing: 3));
        Assert.Equal("item 3 failed", e.Message);
        Assert.Equal([1, 2, 3, 4], calls.Started); // the chunk of 3 ended, the third chunk never started
    }

    [Fact]
    public async Task Skip_leaves_out_the_failed_items_and_hands_each_to_the_caller()
    {
        var calls = new GatedCalls();
        var failed = new List<(int, string)>();
        var answered = await calls.DriveAsync(FanOut.AnsweredAsync(Enumerable.Range(1, 5), calls.Call, (item, e) => failed.Add((item, e.Message)), width: 2), failing: [2, 5]);
        Assert.Equal([(1, 10), (3, 30), (4, 40)], answered);
        Assert.Equal([(2, "item 2 failed"), (5, "item 5 failed")], failed);
    }

    [Fact]
    public async Task Failed_returns_exactly_the_items_whose_call_threw()
    {
        var calls = new GatedCalls();
        var failed = await calls.DriveAsync(FanOut.FailedAsync(Enumerable.Range(1, 4), item => calls.Call(item), width: 4), failing: [1, 4]);
        Assert.Equal([1, 4], failed);
    }

    [Fact]
    public async Task Cancellation_propagates_whatever_the_policy()
    {
        Task<int> Cancelled(int _) => Task.FromCanceled<int>(new CancellationToken(canceled: true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FanOut.AnsweredAsync([1, 2], Cancelled, (_, _) => { }));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FanOut.FailedAsync([1, 2], Cancelled));
    }

    [Fact]
    public async Task A_width_under_one_is_refused()
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FanOut.AllAsync([1], Task.FromResult, width: 0));
        Assert.Equal("width", e.ParamName);
    }
}
