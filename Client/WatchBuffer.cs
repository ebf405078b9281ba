using System.Threading.Channels;

namespace Discovery.Client;

/// <summary>
/// In a watch (<see cref="DiscoveryClient.WatchAllAsync(bool, CancellationToken)"/>): <paramref name="Dropped"/> events were
/// dropped here because the reader fell behind (the oldest go first). Delivered where they were: every item before it was
/// published before them, every item after it after them.
/// </summary>
public sealed record WatchLagged(int Dropped);

/// <summary>
/// A watcher's queue of events: bounded, so a slow reader costs at most <see cref="Capacity"/> items of memory. When full,
/// the oldest item is dropped and counted; the reader gets a <see cref="WatchLagged"/> with the count in its place. Any
/// number of writers (the observer's callbacks), one reader.
/// </summary>
public sealed class WatchBuffer
{
    /// <summary>Items a watcher holds by default before dropping the oldest.</summary>
    public const int DefaultCapacity = 1024;

    private readonly Queue<object> _items = new();
    private readonly Lock _gate = new();
    // One pending signal is enough: the reader drains everything at each wake.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _dropped;

    /// <summary>A buffer of <paramref name="capacity"/> items (at least 1).</summary>
    public WatchBuffer(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most items held at once.</summary>
    public int Capacity { get; }

    /// <summary>Adds <paramref name="item"/>, dropping the oldest item held when full.</summary>
    public void Add(object item)
    {
        lock (_gate)
        {
            if (_items.Count == Capacity)
            {
                _items.Dequeue();
                _dropped++;
            }
            _items.Enqueue(item);
        }
        _wake.Writer.TryWrite(true);
    }

    /// <summary>The next item, or a <see cref="WatchLagged"/> when items were dropped before it; false when empty.</summary>
    public bool TryTake(out object item)
    {
        lock (_gate)
        {
            // The dropped items were the oldest: they came before everything still held.
            if (_dropped > 0)
            {
                item = new WatchLagged(_dropped);
                _dropped = 0;
                return true;
            }
            return _items.TryDequeue(out item!);
        }
    }

    /// <summary>Every item as it comes, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<object> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (TryTake(out var item)) yield return item;
            await _wake.Reader.ReadAsync(cancellationToken); // a signal written after the drain above wakes this at once
        }
    }
}
