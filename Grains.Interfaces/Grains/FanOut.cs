namespace Discovery.Grains;

/// <summary>What a fan-out does with a call that throws.</summary>
public enum FanOutFailure
{
    /// <summary>The fan-out throws the first failure, once the calls of its chunk have ended (nothing is left running).</summary>
    Fail,
    /// <summary>The item is left out of the results; the failure goes to the caller's <c>onFailure</c> (to log it).</summary>
    Skip,
}

/// <summary>
/// One call per item (a node grain, a hypervisor), at most <see cref="DefaultWidth"/> in flight at once, results in
/// the items' order: thousands of nodes are asked without flooding a silo's message queues or the thread pool.
/// Cancellation always propagates, whatever the policy.
/// </summary>
public static class FanOut
{
    /// <summary>Calls in flight at once unless the caller's options say otherwise.</summary>
    public const int DefaultWidth = 256;

    /// <summary>Calls <paramref name="call"/> for every item; <see cref="FanOutFailure.Fail"/>: the first failure is thrown.</summary>
    public static async Task<IReadOnlyList<TResult>> AllAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> call, int width = DefaultWidth)
    {
        var results = new List<TResult>();
        foreach (var chunk in items.Chunk(Width(width)))
            results.AddRange(await Task.WhenAll(chunk.Select(call)));
        return results;
    }

    /// <summary>Calls <paramref name="call"/> for every item; <see cref="FanOutFailure.Fail"/>: the first failure is thrown.</summary>
    public static async Task AllAsync<TItem>(IEnumerable<TItem> items, Func<TItem, Task> call, int width = DefaultWidth)
    {
        foreach (var chunk in items.Chunk(Width(width)))
            await Task.WhenAll(chunk.Select(call));
    }

    /// <summary>
    /// Calls <paramref name="call"/> for every item; <see cref="FanOutFailure.Skip"/>: an item whose call throws is left
    /// out of the results and handed to <paramref name="onFailure"/> (cancellation is never skipped).
    /// </summary>
    public static async Task<IReadOnlyList<(TItem Item, TResult Result)>> AnsweredAsync<TItem, TResult>(IEnumerable<TItem> items,
        Func<TItem, Task<TResult>> call, Action<TItem, Exception> onFailure, int width = DefaultWidth)
    {
        var results = new List<(TItem, TResult)>();
        foreach (var chunk in items.Chunk(Width(width)))
        {
            var answers = await Task.WhenAll(chunk.Select(async item =>
            {
                try { return (item, ok: true, result: await call(item)); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    onFailure(item, e);
                    return (item, ok: false, result: default(TResult)!);
                }
            }));
            results.AddRange(answers.Where(a => a.ok).Select(a => (a.item, a.result)));
        }
        return results;
    }

    /// <summary>Calls <paramref name="call"/> for every item, <see cref="FanOutFailure.Skip"/>: returns the items whose call threw.</summary>
    public static async Task<IReadOnlyList<TItem>> FailedAsync<TItem>(IEnumerable<TItem> items, Func<TItem, Task> call,
        Action<TItem, Exception>? onFailure = null, int width = DefaultWidth)
    {
        var failed = new List<TItem>();
        foreach (var chunk in items.Chunk(Width(width)))
        {
            var answers = await Task.WhenAll(chunk.Select(async item =>
            {
                try
                {
                    await call(item);
                    return (item, ok: true);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    onFailure?.Invoke(item, e);
                    return (item, ok: false);
                }
            }));
            failed.AddRange(answers.Where(a => !a.ok).Select(a => a.item));
        }
        return failed;
    }

    private static int Width(int width) =>
        width > 0 ? width : throw new ArgumentOutOfRangeException(nameof(width), width, "a fan-out needs at least one call in flight");
}
