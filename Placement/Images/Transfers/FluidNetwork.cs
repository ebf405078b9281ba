namespace Discovery.Images.Transfers;

/// <summary>What a flow carries, one after the other: a chunk, or a whole image for the strategies that move whole images.</summary>
public readonly record struct TransferItem(string Key, long Size);

/// <summary>One direction of a link (a node's or a store's download or upload, the way from one PoP to another), in bytes per second.</summary>
public sealed class Link(string name, double bytesPerSecond)
{
    /// <summary>For messages and tests.</summary>
    public string Name { get; } = name;

    /// <summary>Bytes per second the link carries, split between its flows.</summary>
    public double BytesPerSecond { get; } = bytesPerSecond > 0 ? bytesPerSecond : throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, $"link {name}: must be positive");

    internal HashSet<Flow> Flows { get; } = [];

    /// <summary>Flows crossing the link now.</summary>
    public int FlowCount => Flows.Count;

    /// <summary>Its name.</summary>
    public override string ToString() => Name;
}

/// <summary>Told what a flow delivered and when it ended (drained or cancelled).</summary>
public interface IFlowOwner
{
    /// <summary><paramref name="item"/> arrived whole at the flow's sink (chunk granularity: never part of one).</summary>
    void Delivered(Flow flow, TransferItem item);

    /// <summary>The flow sent its last item and left its links.</summary>
    void Ended(Flow flow);
}

/// <summary>A transfer from one source to one sink across a fixed path of links, sending its items in order.</summary>
public sealed class Flow
{
    internal Flow(long id, IFlowOwner owner, object source, object sink, Link[] links) => (Id, Owner, Source, Sink, Links) = (id, owner, source, sink, links);

    internal long Id { get; }
    internal Queue<TransferItem> Pending { get; } = new();
    internal TransferItem? Current { get; set; }
    internal double Remaining { get; set; }
    internal double Updated { get; set; }
    internal int Version { get; set; }

    /// <summary>Told of its deliveries and its end.</summary>
    public IFlowOwner Owner { get; }
    /// <summary>Where it sends from.</summary>
    public object Source { get; }
    /// <summary>Where it sends to.</summary>
    public object Sink { get; }
    /// <summary>The links it crosses, each taking its share.</summary>
    public IReadOnlyList<Link> Links { get; }

    /// <summary>Bytes per second now: per-link equal split, the smallest share over its links.</summary>
    public double Rate { get; internal set; }

    /// <summary>Whether it ended (drained or cancelled).</summary>
    public bool Ended { get; internal set; }

    /// <summary>Items not delivered yet, the one under way included.</summary>
    public int Queued => Pending.Count + (Current is null ? 0 : 1);

    /// <summary>Keys of the items not delivered yet.</summary>
    public IEnumerable<string> QueuedKeys => (Current is { } c ? [c.Key] : Array.Empty<string>()).Concat(Pending.Select(p => p.Key));

    /// <summary>Bytes that crossed its links: whole items delivered, plus the part of the one under way when it was cancelled.</summary>
    public double BytesMoved { get; internal set; }

    /// <summary>Bytes of the item under way when it was cancelled: they crossed the links, then were thrown away.</summary>
    public double LostBytes { get; internal set; }
}

/// <summary>
/// An event-driven fluid model of transfers on its own clock (seconds from 0): flows cross links, a link's capacity is
/// split equally between the flows on it (per-link equal split: a flow's rate is its smallest share over its links,
/// not max-min fair, so a flow held back elsewhere leaves part of its share unused: pessimistic, and local, so a flow
/// starting or ending changes only the flows sharing a link with it). Items arrive whole (chunk granularity). Events
/// at one instant are handled together, then the rates of the flows on the links they touched are set again.
/// </summary>
public sealed class FluidNetwork
{
    private readonly PriorityQueue<(Flow? Flow, int Version, Action? Action), (double, long)> _events = new();
    private readonly HashSet<Link> _dirty = [];
    private long _sequence;
    private long _flows;

    /// <summary>Events waiting (flows under way and actions).</summary>
    public int Pending => _events.Count;

    /// <summary>Seconds since the start.</summary>
    public double Now { get; private set; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="seconds"/> (not before now).</summary>
    public void At(double seconds, Action action) => _events.Enqueue((null, 0, action), (Math.Max(seconds, Now), _sequence++));

    /// <summary>Starts a flow of <paramref name="items"/> from <paramref name="source"/> to <paramref name="sink"/> across <paramref name="links"/>.</summary>
    public Flow Start(IFlowOwner owner, object source, object sink, Link[] links, IEnumerable<TransferItem> items)
    {
        var flow = new Flow(++_flows, owner, source, sink, links) { Updated = Now };
        foreach (var item in items) flow.Pending.Enqueue(item);
        if (flow.Pending.Count == 0) throw new ArgumentException("a flow needs at least one item", nameof(items));
        Next(flow);
        foreach (var link in links)
        {
            link.Flows.Add(flow);
            _dirty.Add(link);
        }
        return flow;
    }

    /// <summary>Adds items at the end of a running flow (its rate does not change).</summary>
    public void Append(Flow flow, IEnumerable<TransferItem> items)
    {
        if (flow.Ended) throw new InvalidOperationException("the flow ended");
        // While its owner hears of a delivery, a flow may have nothing under way: the next item starts when the owner returns.
        foreach (var item in items) flow.Pending.Enqueue(item);
    }

    /// <summary>Stops a flow now: the part of the item under way is lost; returns the items it did not deliver.</summary>
    public IReadOnlyList<TransferItem> Cancel(Flow flow)
    {
        if (flow.Ended) return [];
        Advance(flow);
        var left = new List<TransferItem>();
        if (flow.Current is { } current)
        {
            flow.LostBytes = current.Size - flow.Remaining;
            flow.BytesMoved += flow.LostBytes;
            left.Add(current);
        }
        left.AddRange(flow.Pending);
        flow.Pending.Clear();
        flow.Current = null;
        Leave(flow);
        return left;
    }

    /// <summary>Handles events in time order until none is left or the next is after <paramref name="until"/>.</summary>
    public void Run(double until = double.PositiveInfinity)
    {
        Settle();
        while (_events.TryPeek(out _, out var key) && key.Item1 <= until)
        {
            Now = key.Item1;
            while (_events.TryPeek(out _, out var k) && k.Item1 == Now)
            {
                var (flow, version, action) = _events.Dequeue();
                if (action is not null) action();
                else if (flow is { Ended: false } && flow.Version == version) Complete(flow);
            }
            Settle();
        }
        if (!double.IsPositiveInfinity(until) && until > Now) Now = until;
    }

    private void Complete(Flow flow)
    {
        var item = flow.Current!.Value;
        flow.Current = null;
        flow.Remaining = 0;
        flow.Updated = Now;
        flow.BytesMoved += item.Size;
        var more = Next(flow);
        if (more) Schedule(flow);
        flow.Owner.Delivered(flow, item);
        // The owner may have appended items to a flow that had none left.
        if (!more && !flow.Ended)
        {
            if (Next(flow)) Schedule(flow);
            else
            {
                Leave(flow);
                flow.Owner.Ended(flow);
            }
        }
    }

    private static bool Next(Flow flow)
    {
        if (!flow.Pending.TryDequeue(out var item)) return false;
        flow.Current = item;
        flow.Remaining = item.Size;
        return true;
    }

    private void Leave(Flow flow)
    {
        flow.Ended = true;
        flow.Version++;
        foreach (var link in flow.Links)
        {
            link.Flows.Remove(flow);
            _dirty.Add(link);
        }
    }

    private static void Advance(Flow flow, double now)
    {
        flow.Remaining = Math.Max(0, flow.Remaining - flow.Rate * (now - flow.Updated));
        flow.Updated = now;
    }

    private void Advance(Flow flow) => Advance(flow, Now);

    private void Schedule(Flow flow)
    {
        flow.Version++;
        if (flow.Rate > 0) _events.Enqueue((flow, flow.Version, null), (Now + flow.Remaining / flow.Rate, _sequence++));
    }

    /// <summary>Sets again the rate of every flow on a link that gained or lost a flow (in flow order, for determinism).</summary>
    private void Settle()
    {
        if (_dirty.Count == 0) return;
        var touched = new HashSet<Flow>();
        foreach (var link in _dirty) touched.UnionWith(link.Flows);
        _dirty.Clear();
        foreach (var flow in touched.OrderBy(f => f.Id))
        {
            var rate = double.PositiveInfinity;
            foreach (var link in flow.Links) rate = Math.Min(rate, link.BytesPerSecond / link.Flows.Count);
            if (rate == flow.Rate) continue;
            Advance(flow);
            flow.Rate = rate;
            Schedule(flow);
        }
    }
}
