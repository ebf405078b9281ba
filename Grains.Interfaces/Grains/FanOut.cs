namespace Discovery.Grains;

/// <summary>
/// One call per item (a node grain, a hypervisor), at most <see cref="DefaultWidth"/> (or the caller's width) in flight
/// at once, results in the items' order: thousands of nodes are asked without flooding a silo's message queues or the
/// thread pool. Each caller states its failure policy: <b>fail</b> (<see cref="AllAsync"/>: the first failure is thrown
/// once its chunk has ended, nothing is left running) or <b>skip</b> (<see cref="AnsweredAsync"/>,
/// <see cref="FailedAsync"/>: an item whose call throws is left out and handed to the caller, to log or report).
/// Cancellation always propagates, whatever the policy.
/// </summary>
public static class FanOut
{
    /// <summary>Calls in flight at once unless the caller's options say otherwise.</summary>
    public const int DefaultWidth = 256;

    /// <summary>Calls <paramref name="call"/> for every item and returns the results; fail: the first failure is thrown.</summary>
    public static async Task<IReadOnlyList<TResult>> AllAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> call, int width = DefaultWidth) =>
        [.. (await RunAsync(items, call, onFailure: null, width)).Select(a => a.Result)];

    /// <summary>
    /// Calls <paramref name="call"/> for every item; skip: an item whose call throws is left out of the results and
    /// handed to <paramref name="onFailure"/>.
    /// </summary>
    public static async Task<IReadOnlyList<(TItem Item, TResult Result)>> AnsweredAsync<TItem, TResult>(IEnumerable<TItem> items,
        Func<TItem, Task<TResult>> call, Action<TItem, Exception> onFailure, int width = DefaultWidth) =>
        [.. (await RunAsync(items, call, onFailure, width)).Where(a => a.Ok).Select(a => (a.Item, a.Result))];

    /// <summary>Calls <paramref name="call"/> for every item; skip: returns the items whose call threw (each also handed to <paramref name="onFailure"/>).</summary>
    public static async Task<IReadOnlyList<TItem>> FailedAsync<TItem>(IEnumerable<TItem> items, Func<TItem, Task> call,
        Action<TItem, Exception>? onFailure = null, int width = DefaultWidth) =>
        [.. (await RunAsync(items, async item => { await call(item); return true; }, onFailure ?? ((_, _) => { }), width))
            .Where(a => !a.Ok).Select(a => a.Item)];

    /// <summary>The one loop: chunk by chunk; with no <paramref name="onFailure"/> a failure propagates.</summary>
    private static async Task<List<(TItem Item, bool Ok, TResult Result)>> RunAsync<TItem, TResult>(IEnumerable<TItem> items,
        Func<TItem, Task<TResult>> call, Action<TItem, Exception>? onFailure, int width)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "a fan-out needs at least one call in flight");
        var results = new List<(TItem, bool, TResult)>();
        foreach (var chunk in items.Chunk(width))
            results.AddRange(await Task.WhenAll(chunk.Select(async item =>
            {
                if (onFailure is null) return (item, true, await call(item));
                try { return (item, true, await call(item)); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    onFailure(item, e);
                    return (item, false, default(TResult)!);
                }
            })));
        return results;
    }
}
