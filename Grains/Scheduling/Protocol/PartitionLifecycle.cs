namespace Discovery.Scheduling.Protocol;

/// <summary>
/// A DVMS partition's state as a plain value with guarded transitions (after the DVMS prototype's
/// DvmsModel): Created → Growing ⇄ Blocked → Applying → Finished, Finished reachable from any
/// state. It holds the partition's nodes, the partitions it met while growing, and the two things
/// that can interrupt it from outside (absorbed by a higher-id partition, a lost lease). The
/// partition grain holds one and only moves messages.
/// </summary>
public sealed class PartitionLifecycle(string id)
{
    private readonly List<string> _nodes = [];
    private readonly HashSet<string> _met = new(StringComparer.Ordinal);

    /// <summary>The partition id (sortable: the higher id absorbs the lower).</summary>
    public string Id { get; } = id;

    public PartitionState State { get; private set; } = PartitionState.Created;

    /// <summary>Nodes reserved for this partition, in the order they joined.</summary>
    public IReadOnlyList<string> Nodes => _nodes;

    /// <summary>The partition that took this one's nodes over, if any.</summary>
    public string? AbsorbedBy { get; private set; }

    /// <summary>A node whose lease this partition lost, if any.</summary>
    public string? LostLease { get; private set; }

    /// <summary>Why the partition must stop now, or null: absorbed, or a lease lost (in that order).</summary>
    public (PartitionOutcome Outcome, string Detail)? Interruption =>
        AbsorbedBy is { } by ? (PartitionOutcome.Absorbed, $"absorbed by {by}")
        : LostLease is { } node ? (PartitionOutcome.Failed, $"lost the lease of {node}")
        : null;

    /// <summary>True once some partition with a higher id than this one was met (it may come and absorb this one).</summary>
    public bool MetHigher => _met.Any(p => string.CompareOrdinal(p, Id) > 0);

    /// <summary>Created → Growing, with the initiator (already reserved by itself) as first node.</summary>
    public void Start(string initiator)
    {
        Require(PartitionState.Created, PartitionState.Growing);
        State = PartitionState.Growing;
        _nodes.Add(initiator);
    }

    /// <summary>A node granted to this partition. Also after an absorption, so that it is released at the end.</summary>
    public void Add(string node)
    {
        if (State is not (PartitionState.Growing or PartitionState.Blocked))
            throw new InvalidOperationException($"partition {Id}: cannot add node {node} while {State}");
        if (!_nodes.Contains(node)) _nodes.Add(node);
    }

    /// <summary>Gives back nodes beyond the first <paramref name="max"/> (the size cap after a merge); returns them, to be released.</summary>
    public IReadOnlyList<string> Trim(int max)
    {
        if (State is not (PartitionState.Growing or PartitionState.Blocked))
            throw new InvalidOperationException($"partition {Id}: cannot give nodes back while {State}");
        if (_nodes.Count <= max) return [];
        var extra = _nodes.Skip(max).ToList();
        _nodes.RemoveRange(max, extra.Count);
        return extra;
    }

    /// <summary>A node was found held by <paramref name="partition"/> (the shortcut).</summary>
    public void Met(string partition)
    {
        if (partition != Id) _met.Add(partition);
    }

    /// <summary>Growing → Blocked: went round the overlay (or reached its size cap) without a solution.</summary>
    public void Block()
    {
        Require(PartitionState.Growing, PartitionState.Blocked);
        State = PartitionState.Blocked;
    }

    /// <summary>Blocked → Growing: it gained nodes by absorbing others and tries again.</summary>
    public void Resume()
    {
        Require(PartitionState.Blocked, PartitionState.Growing);
        State = PartitionState.Growing;
    }

    /// <summary>The lower-id partitions met, which a blocked partition may absorb; forgets them.</summary>
    public IReadOnlyList<string> TakeAbsorbable()
    {
        if (State != PartitionState.Blocked)
            throw new InvalidOperationException($"partition {Id}: only a blocked partition absorbs others, it is {State}");
        var lower = _met.Where(p => string.CompareOrdinal(p, Id) < 0).Order(StringComparer.Ordinal).ToList();
        foreach (var p in lower) _met.Remove(p);
        return lower;
    }

    /// <summary>
    /// Growing → Applying: from here on nobody may absorb this partition. With <paramref name="keep"/>, the nodes
    /// the plan does not involve are given back (the initiator stays): returns them, to be released at once.
    /// </summary>
    public IReadOnlyList<string> BeginApplying(IReadOnlySet<string>? keep = null)
    {
        Require(PartitionState.Growing, PartitionState.Applying);
        if (Interruption is { } i) throw new InvalidOperationException($"partition {Id}: cannot apply a plan, {i.Detail}");
        State = PartitionState.Applying;
        if (keep is null) return [];
        var bystanders = _nodes.Skip(1).Where(n => !keep.Contains(n)).ToList();
        _nodes.RemoveAll(bystanders.Contains);
        return bystanders;
    }

    /// <summary>
    /// A higher-id partition asks for this one's nodes: allowed only while Growing or Blocked, once.
    /// Returns the nodes to hand over (this partition keeps none), or null when refused.
    /// </summary>
    public IReadOnlyList<string>? TryAbsorbInto(string absorberId)
    {
        if (State is not (PartitionState.Growing or PartitionState.Blocked) || AbsorbedBy is not null
            || string.CompareOrdinal(absorberId, Id) <= 0)
            return null;
        AbsorbedBy = absorberId;
        var handed = _nodes.ToList();
        _nodes.Clear();
        return handed;
    }

    /// <summary>A lease renewal failed on <paramref name="node"/> (ignored once absorbed: its nodes are the absorber's now).</summary>
    public void LoseLease(string node)
    {
        if (AbsorbedBy is null && State != PartitionState.Finished && _nodes.Contains(node)) LostLease ??= node;
    }

    /// <summary>Any state → Finished, whatever the outcome. Returns every node this partition still holds: all must be released.</summary>
    public IReadOnlyList<string> Finish()
    {
        State = PartitionState.Finished;
        return _nodes.ToList();
    }

    private void Require(PartitionState from, PartitionState to)
    {
        if (State != from) throw new InvalidOperationException($"partition {Id}: {State} -> {to} is not a protocol transition (only from {from})");
    }
}
