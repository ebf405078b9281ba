namespace Discovery.Client;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls <paramref name="report"/> at once, on the reporting task, in order: for console
/// programs and services. <see cref="Progress{T}"/> posts each report to the captured context (a UI's) or else to the thread
/// pool, where two reports may run out of order or after the wait returned.
/// </summary>
/// <example><c>await discovery.WaitForVeAsync("alice/shop", new InlineProgress&lt;VeView&gt;(v => Console.WriteLine(v.State)));</c></example>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
