using System.Diagnostics;
using Discovery.Environments;
using Discovery.Grains;
using Discovery.Hypervisors.Simulated;
using Discovery.Monitoring;
using Discovery.Scheduling;
using Discovery.Silo.Configuration;
using Discovery.Time;

namespace Discovery.Silo.Operations;

/// <summary>What the operator page draws, once a second: every node of the cluster, partitions, VEs, recent events, counters.</summary>
public sealed record Overview(string Site, string Silo, DateTimeOffset At, bool Simulated, IReadOnlyList<string> Sites, NodeColumns Nodes,
    IReadOnlyList<PartitionJson> Partitions, VeCounts Ves, IReadOnlyList<FeedItem> Events, Counters Counters);

/// <summary>
/// Every node, column by column (one array per field, in node-name order): 10,240 nodes stay a few hundred
/// kilobytes. <see cref="State"/> holds flags: 1 overloaded, 2 maintenance, 4 down, 8 unreachable, 16 reserved;
/// <see cref="Site"/> indexes <see cref="Overview.Sites"/> and <see cref="Partition"/> <see cref="Overview.Partitions"/> (-1: none).
/// </summary>
public sealed record NodeColumns(IReadOnlyList<string> Name, IReadOnlyList<int> Site, IReadOnlyList<double> Cpu, IReadOnlyList<double> Memory,
    IReadOnlyList<int> Vms, IReadOnlyList<int> State, IReadOnlyList<int> Partition);

/// <summary>VEs by state, and the first ones in key order.</summary>
public sealed record VeCounts(int Total, IReadOnlyDictionary<string, int> States, IReadOnlyList<VeSummaryJson> List);

/// <summary>One line of the event feed: a partition that ended or a VE transition.</summary>
public sealed record FeedItem(DateTimeOffset At, string Type, string Text);

/// <summary>
/// Scheduling since the event hub started: events detected (solved + given up + vanished + in progress), solved, given up
/// (gave up or failed), vanished, in progress, migrations applied; this silo's simulated nodes' cumulated violation (null on libvirt).
/// </summary>
public sealed record Counters(long Detected, long Solved, long GivenUp, long Vanished, long InProgress, long Migrations, double? ViolationSeconds);

/// <summary>
/// Builds the <see cref="Overview"/> from the node directory, each node's cell, the VE directory and the event hub.
/// One build serves every viewer for <see cref="MaxAge"/>: ten open pages cost what one does.
/// </summary>
public sealed class ClusterOverview(IGrainFactory grains, DiscoveryOptions settings, ILocalSiloDetails silo, InfrastructureClock clock, IServiceProvider services)
{
    /// <summary>How long one build is served.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(900);

    /// <summary>VEs and events listed at most.</summary>
    public const int ListedVes = 200, ListedEvents = 50;

    /// <summary>How long one node grain has to answer for its cell; past it the node shows as unreachable.</summary>
    public static readonly TimeSpan CellTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _building = new(1, 1);
    private volatile Built<Overview>? _overview;
    private volatile Built<IReadOnlyList<NodeCell>>? _cells;

    private sealed record Built<T>(T Value, long At)
    {
        public bool Fresh => Stopwatch.GetElapsedTime(At) < MaxAge;
    }

    /// <summary>The overview, built at most <see cref="MaxAge"/> ago.</summary>
    public Task<Overview> GetAsync(CancellationToken cancellationToken) =>
        OnceAsync(() => _overview, async () => (_overview = new Built<Overview>(await BuildAsync(await FreshCellsAsync()), Stopwatch.GetTimestamp())).Value,
            cancellationToken);

    /// <summary>Every node's cell, in name order (nodes of the directory and nodes marked down), read at most <see cref="MaxAge"/> ago.</summary>
    public Task<IReadOnlyList<NodeCell>> CellsAsync(CancellationToken cancellationToken) => OnceAsync(() => _cells, FreshCellsAsync, cancellationToken);

    /// <summary>The value <paramref name="last"/> holds while fresh; else built by one caller at a time, the others served what it built.</summary>
    private async Task<T> OnceAsync<T>(Func<Built<T>?> last, Func<Task<T>> build, CancellationToken cancellationToken)
    {
        if (last() is { Fresh: true } fresh) return fresh.Value;
        await _building.WaitAsync(cancellationToken);
        try
        {
            return last() is { Fresh: true } built ? built.Value : await build(); // built while this one waited, or now
        }
        finally
        {
            _building.Release();
        }
    }

    private async Task<IReadOnlyList<NodeCell>> FreshCellsAsync()
    {
        if (_cells is { Fresh: true } fresh) return fresh.Value;
        var directory = grains.NodeDirectory();
        var names = (await directory.NodesAsync()).Concat(await directory.DownAsync()).Distinct().Order(StringComparer.Ordinal).ToList();
        // Fail, though it never does: CellAsync answers for a node that cannot (unreachable), so every node has its cell.
        var cells = await FanOut.AllAsync(names, CellAsync, settings.Scheduling.FanOutWidth);
        _cells = new Built<IReadOnlyList<NodeCell>>(cells, Stopwatch.GetTimestamp());
        return cells;
    }

    /// <summary>
    /// One node's cell; a node whose grain cannot answer (its silo is gone and no other drives it, or it hangs) is
    /// shown unreachable rather than failing the whole view: that is when operators look.
    /// </summary>
    private async Task<NodeCell> CellAsync(string node)
    {
        try
        {
            return await grains.GetGrain<INodeGrain>(node).GetCellAsync().WaitAsync(CellTimeout);
        }
        catch (Exception)
        {
            return new NodeCell(node, null, 0, 0, 0, false, false, false, true, null);
        }
    }

    private async Task<Overview> BuildAsync(IReadOnlyList<NodeCell> cells)
    {
        var hub = grains.EventHub();
        var vesTask = grains.VeDirectory().ListAsync(null);
        var totalsTask = hub.TotalsAsync();
        var transitionsTask = hub.RecentAsync(ListedEvents);
        var endedTask = hub.RecentPartitionsAsync(ListedEvents);

        var sites = cells.Select(c => c.Site ?? "unknown").Distinct().Order(StringComparer.Ordinal).ToList();
        var siteIndex = sites.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var partitions = Partitions(cells);
        var partitionIndex = partitions.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var nodes = new NodeColumns(
            [.. cells.Select(c => c.Node)],
            [.. cells.Select(c => siteIndex[c.Site ?? "unknown"])],
            [.. cells.Select(c => c.CpuLoad)],
            [.. cells.Select(c => c.MemoryLoad)],
            [.. cells.Select(c => c.Vms)],
            [.. cells.Select(Flags)],
            [.. cells.Select(c => c.ReservedBy is { } p ? partitionIndex[p] : -1)]);

        var ves = await vesTask;
        var veCounts = new VeCounts(ves.Length,
            ves.GroupBy(v => v.State.ToString()).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            [.. ves.Take(ListedVes).Select(v => new VeSummaryJson(v.Ve, v.State.ToString()))]);

        var events = (await transitionsTask).Select(t => new FeedItem(t.At, "ve", t.ToString()))
            .Concat((await endedTask).Select(n => new FeedItem(n.EndedAt, "partition", n.MovesText.Length == 0 ? n.ToString() : $"{n}: {n.MovesText}")))
            .OrderByDescending(e => e.At).Take(ListedEvents).ToList();

        var totals = await totalsTask;
        var datacenter = services.GetService<SimulatedDatacenter>();
        // An absorbed partition's event lives on in the partition that absorbed it: counted once, there.
        var counters = new Counters(totals.Ended - totals.Absorbed + partitions.Count, totals.Solved, totals.GaveUp + totals.Failed, totals.Vanished, partitions.Count,
            totals.Migrations, datacenter is null ? null : Math.Round(datacenter.GetTotals().ViolationSeconds, 1));

        return new Overview(settings.Site, silo.SiloAddress.Endpoint.ToString(), clock.Now, datacenter is not null, sites, nodes, partitions, veCounts, events, counters);
    }

    /// <summary>The partitions in progress, from the nodes they hold, in id order.</summary>
    public static List<PartitionJson> Partitions(IEnumerable<NodeCell> cells) =>
        cells.Where(c => c.ReservedBy is not null).GroupBy(c => c.ReservedBy!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PartitionJson(g.Key, PartitionIds.Initiator(g.Key), [.. g.Select(c => c.Node)]))
            .ToList();

    private static int Flags(NodeCell c) =>
        (c.Overloaded ? 1 : 0) | (c.Maintenance ? 2 : 0) | (c.Down ? 4 : 0) | (c.Unreachable && !c.Down ? 8 : 0) | (c.ReservedBy is not null ? 16 : 0);
}
