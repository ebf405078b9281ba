using Discovery.Model;
using Discovery.Overlay;

namespace Discovery.Scheduling.Protocol;

/// <summary>
/// How a DVMS partition grows, as plain logic: where it stands on its initiator's walk of the overlay, the nodes it
/// jumps past (those of partitions it met: the DVMS shortcut) and the partitions it already asked for them, the size
/// cap, and the headroom rules (the CPU the initiator must shed, whether a node just granted has room for it, how many
/// nodes it may add only to find a plan with headroom). The partition grain makes the calls (reserve, release, ask a
/// partition for its nodes) and asks this class what to do at each step; one <see cref="GrowthSweep"/> per growth.
/// </summary>
public sealed class PartitionGrowth
{
    private readonly HashSet<string> _skip = new(StringComparer.Ordinal); // nodes of partitions met: growth jumps past them
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal); // partitions already asked for their nodes this round
    private readonly double? _headroomTarget;
    private readonly int _headroomGrowth;
    private int _grownForHeadroom;

    /// <param name="origin">The initiator: growth follows its walk of the overlay.</param>
    /// <param name="overlay">The overlay, read afresh at each step (joins and leaves replace it).</param>
    /// <param name="maxSize">The size cap (<see cref="DvmsOptions.MaxPartitionSize"/>).</param>
    /// <param name="headroomTarget">The CPU load a plan keeps its nodes under (<see cref="DvmsOptions.HeadroomTarget"/>); null: no headroom rules.</param>
    /// <param name="headroomGrowth">Nodes it may add only to find a plan with headroom (<see cref="DvmsOptions.HeadroomGrowth"/>); twice as many may be probed and handed back per growth.</param>
    public PartitionGrowth(string origin, IOverlay overlay, int maxSize, double? headroomTarget, int headroomGrowth)
    {
        Origin = origin;
        Overlay = overlay;
        MaxSize = maxSize;
        _headroomTarget = headroomTarget;
        _headroomGrowth = headroomGrowth;
    }

    /// <summary>Growth as configured in <paramref name="options"/>.</summary>
    public PartitionGrowth(string origin, IOverlay overlay, DvmsOptions options)
        : this(origin, overlay, options.MaxPartitionSize, options.HeadroomTarget, options.HeadroomGrowth)
    {
    }

    /// <summary>The initiator, whose walk of the overlay growth follows.</summary>
    public string Origin { get; }

    internal IOverlay Overlay { get; }

    /// <summary>The size cap: no growth at or past it (a merge trims back to it too).</summary>
    public int MaxSize { get; }

    /// <summary>The last node growth looked at on the walk (null before the first).</summary>
    public string? Cursor { get; internal set; }

    /// <summary>CPU (hundredths of a core) the initiator must shed to come down to the headroom target, as last read.</summary>
    public long Shed { get; private set; }

    /// <summary>True when a growth for headroom is still within its budget.</summary>
    public bool MayGrowForHeadroom => _grownForHeadroom < _headroomGrowth;

    /// <summary>True at or past the size cap.</summary>
    public bool AtSizeCap(int nodes) => nodes >= MaxSize;

    /// <summary>Reads how much the initiator must shed from its latest snapshot.</summary>
    public void ReadInitiator(NodeSnapshot initiator) =>
        Shed = _headroomTarget is { } goal ? Math.Max(0, initiator.Demand.Cpu - (long)Math.Floor(goal * initiator.Capacity.Cpu)) : 0;

    /// <summary>A growth for headroom gained a node: one less in the budget.</summary>
    public void GrewForHeadroom() => _grownForHeadroom++;

    /// <summary>
    /// Whether a node just granted can take what the initiator must shed and stay at or under the headroom target (its
    /// load alone when its capacity is unknown; any node when the reply carries no load or there is no target).
    /// </summary>
    public bool HasRoom(ReserveReply reply) =>
        reply.CpuLoad is not { } load || _headroomTarget is not { } target
        || (load < target && (reply.CpuCapacity is not { } capacity || (long)Math.Floor(target * capacity) - (long)Math.Round(load * capacity) >= Shed));

    /// <summary>True the first time this round that <paramref name="partition"/> is met: ask it for its nodes (once).</summary>
    public bool FirstMeeting(string partition) => _asked.Add(partition);

    /// <summary>What a partition met answered: its nodes are jumped past from now on, unless it has finished (they are free) or not started.</summary>
    public void Learned(PartitionState state, IEnumerable<string> nodes)
    {
        if (state is not (PartitionState.Finished or PartitionState.Created)) _skip.UnionWith(nodes);
    }

    /// <summary>Starts one growth: a walk of at most the overlay's size from where the last one stopped.</summary>
    public GrowthSweep Sweep(bool forHeadroom) => new(this, forHeadroom, _headroomGrowth * 2);

    internal bool Skips(string node) => _skip.Contains(node);

    /// <summary>Round the whole overlay: the partitions met may have finished since; the next sweep probes their nodes again.</summary>
    internal void WentRound()
    {
        _skip.Clear();
        _asked.Clear();
    }
}

/// <summary>What the partition does with a reservation's reply during a growth.</summary>
public enum GrowthMove
{
    /// <summary>Granted: the node joins the partition, and the growth ends.</summary>
    Take,
    /// <summary>Granted but without room while growing for headroom: handed back at once, the walk goes on.</summary>
    HandBack,
    /// <summary>Refused: the holder, if named, is met (and asked for its nodes the first time); the walk goes on.</summary>
    Refused,
}

/// <summary>
/// One growth of a partition: the candidates in walk order (skipping nodes it holds and nodes of partitions met) until
/// one is taken or the walk has gone round the overlay once; and, growing for headroom, at most
/// <see cref="DvmsOptions.HeadroomGrowth"/> × 2 granted nodes without room handed back before one is kept anyway.
/// </summary>
public sealed class GrowthSweep
{
    private readonly PartitionGrowth _growth;
    private readonly bool _forHeadroom;
    private readonly int _probeBudget;
    private int _steps;
    private int _probes;

    internal GrowthSweep(PartitionGrowth growth, bool forHeadroom, int probeBudget)
    {
        _growth = growth;
        _forHeadroom = forHeadroom;
        _probeBudget = probeBudget;
    }

    /// <summary>
    /// The next node to reserve, or null when the growth ends without one: the origin is alone in (or gone from) the
    /// overlay, or the walk went round it (then the shortcut's memory is cleared for the next round).
    /// </summary>
    public string? Next(IReadOnlyCollection<string> held)
    {
        while (_steps < _growth.Overlay.Current.Count)
        {
            _steps++;
            var next = _growth.Overlay.Current.Next(_growth.Origin, _growth.Cursor);
            if (next is null) return null;
            _growth.Cursor = next;
            if (held.Contains(next) || _growth.Skips(next)) continue;
            return next;
        }
        _growth.WentRound();
        return null;
    }

    /// <summary>What to do with the reply to reserving the last candidate.</summary>
    public GrowthMove Consider(ReserveReply reply) =>
        !reply.Granted ? GrowthMove.Refused
        : _forHeadroom && !_growth.HasRoom(reply) && ++_probes <= _probeBudget ? GrowthMove.HandBack
        : GrowthMove.Take;
}
