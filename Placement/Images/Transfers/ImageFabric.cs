namespace Discovery.Images.Transfers;

/// <summary>A place that keeps image bytes: a PoP's chunk store or a node's cache, with its links.</summary>
public sealed class Holder
{
    internal Holder(string name, string pop, bool isStore, double bytesPerSecond, int uploadSlots)
    {
        (Name, Pop, IsStore, UploadSlots) = (name, pop, isStore, uploadSlots);
        Down = new Link($"{name}:down", bytesPerSecond);
        Up = new Link($"{name}:up", bytesPerSecond);
    }

    /// <summary>Its name (a store: pop/store).</summary>
    public string Name { get; }
    /// <summary>The PoP it is in.</summary>
    public string Pop { get; }
    /// <summary>A PoP's store (true) or a node's cache.</summary>
    public bool IsStore { get; }
    /// <summary>What it receives on.</summary>
    public Link Down { get; }
    /// <summary>What it sends on.</summary>
    public Link Up { get; }
    /// <summary>How many pullers it serves at once (chunk strategy only; a Glance-like store serves everyone).</summary>
    public int UploadSlots { get; }
    /// <summary>Pullers it serves now.</summary>
    public int Uploads { get; internal set; }
    /// <summary>False once its PoP went away: it serves nothing more.</summary>
    public bool Alive { get; internal set; } = true;
    /// <summary>Chunk digests it holds (chunk strategy).</summary>
    public HashSet<string> Chunks { get; } = new(StringComparer.Ordinal);
    /// <summary>Images it holds whole (whole-image strategies).</summary>
    public HashSet<string> WholeImages { get; } = new(StringComparer.Ordinal);
    /// <summary>By chunk number (<see cref="ImageDistribution"/>'s): whether it holds it; the pull bringing it here now (a chunk is never pulled twice to one place).</summary>
    internal bool[] Has { get; set; } = [];
    internal object?[] IncomingBy { get; set; } = [];

    /// <summary>Bytes it received (a node: what it downloaded).</summary>
    public double BytesReceived { get; internal set; }
    /// <summary>Seconds during which it waited for at least one image (a node).</summary>
    public double BusySeconds { get; internal set; }
    internal int Busy { get; set; }
    internal double BusySince { get; set; }

    /// <summary>Its name.</summary>
    public override string ToString() => Name;
}

/// <summary>The shape of the image network: per-PoP stores and nodes; links in Mbit/s as <see cref="SiteBandwidths"/> gives them.</summary>
public sealed record FabricOptions
{
    /// <summary>Each PoP store's link, each way (a storage server with 4 × 10 Gbit/s).</summary>
    public double StoreMbps { get; init; } = 40_000;
    /// <summary>Pullers a store serves at once (chunk strategy): the others take chunks from peers or wait.</summary>
    public int StoreUploadSlots { get; init; } = 16;
    /// <summary>Pullers a node serves at once (chunk strategy).</summary>
    public int NodeUploadSlots { get; init; } = 4;
    /// <summary>Chunks a pull keeps queued per source: it plans again as a source's queue runs low, so new holders take part.</summary>
    public int RoundChunks { get; init; } = 8;
    /// <summary>Peers a node pulls from at once besides its store (a tracker hands out that many).</summary>
    public int PeerSample { get; init; } = 8;
    /// <summary>PoP stores a PoP pulls from at once.</summary>
    public int PopSources { get; init; } = 8;

    /// <summary>What is wrong, each naming its option.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(StoreMbps > 0 && !double.IsInfinity(StoreMbps))) problems.Add($"StoreMbps: must be a positive number of Mbit/s, got {StoreMbps}");
        foreach (var (name, value) in new[] { ("StoreUploadSlots", StoreUploadSlots), ("NodeUploadSlots", NodeUploadSlots), ("RoundChunks", RoundChunks), ("PopSources", PopSources) })
            if (value < 1) problems.Add($"{name}: must be at least 1, got {value}");
        if (PeerSample < 0) problems.Add($"PeerSample: must not be negative, got {PeerSample}");
        return problems;
    }
}

/// <summary>The PoPs, their stores and nodes, and the links between them, on one <see cref="FluidNetwork"/>.</summary>
public sealed class ImageFabric
{
    private readonly Dictionary<string, Holder> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Holder> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Holder>> _nodesByPop = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), Link> _between = [];

    /// <param name="network">The clock and links.</param>
    /// <param name="bandwidths">Between PoPs, and each node's link (<see cref="SiteBandwidths.NodeMbps"/>).</param>
    /// <param name="nodesByPop">Each PoP's nodes, in order.</param>
    /// <param name="options">Stores' links and the chunk strategy's limits.</param>
    public ImageFabric(FluidNetwork network, SiteBandwidths bandwidths, IEnumerable<(string Pop, IReadOnlyList<string> Nodes)> nodesByPop, FabricOptions? options = null)
    {
        Options = options ?? new FabricOptions();
        if (Options.Problems() is [var first, ..]) throw new ArgumentOutOfRangeException(nameof(options), first);
        (Network, Bandwidths) = (network, bandwidths);
        var nodeRate = bandwidths.NodeMbps * 1_000_000 / 8;
        foreach (var (pop, nodes) in nodesByPop)
        {
            _stores.Add(pop, new Holder($"{pop}/store", pop, true, Options.StoreMbps * 1_000_000 / 8, Options.StoreUploadSlots));
            var list = _nodesByPop[pop] = [];
            foreach (var node in nodes)
            {
                var holder = new Holder(node, pop, false, nodeRate, Options.NodeUploadSlots);
                _nodes.Add(node, holder);
                list.Add(holder);
            }
        }
        Pops = [.. _stores.Keys];
    }

    /// <summary>The clock and links.</summary>
    public FluidNetwork Network { get; }
    /// <summary>Between PoPs and per node.</summary>
    public SiteBandwidths Bandwidths { get; }
    /// <summary>Stores' links and the chunk strategy's limits.</summary>
    public FabricOptions Options { get; }
    /// <summary>The PoPs, in order.</summary>
    public IReadOnlyList<string> Pops { get; }

    /// <summary>A PoP's store.</summary>
    public Holder Store(string pop) => _stores.TryGetValue(pop, out var s) ? s : throw new KeyNotFoundException($"no PoP '{pop}'");
    /// <summary>A node.</summary>
    public Holder Node(string name) => _nodes.TryGetValue(name, out var n) ? n : throw new KeyNotFoundException($"no node '{name}'");
    /// <summary>A PoP's nodes, in order.</summary>
    public IReadOnlyList<Holder> NodesOf(string pop) => _nodesByPop[pop];
    /// <summary>Every node.</summary>
    public IEnumerable<Holder> Nodes => _nodesByPop.Values.SelectMany(n => n);
    /// <summary>Every store.</summary>
    public IEnumerable<Holder> Stores => _stores.Values;

    /// <summary>The way from one PoP to another (each direction its own capacity, the pair's bandwidth).</summary>
    public Link Between(string from, string to)
    {
        if (!_between.TryGetValue((from, to), out var link))
            _between[(from, to)] = link = new Link($"{from}->{to}", Bandwidths.BytesPerSecond(from, to));
        return link;
    }

    /// <summary>The links from <paramref name="source"/> to <paramref name="sink"/>: up, the way between PoPs when they differ
    /// (through the sink's store when <paramref name="throughStore"/>), down.</summary>
    public Link[] Path(Holder source, Holder sink, bool throughStore = false)
    {
        if (source.Pop == sink.Pop) return [source.Up, sink.Down];
        var between = Between(source.Pop, sink.Pop);
        return throughStore && !sink.IsStore ? [source.Up, between, Store(sink.Pop).Down, sink.Down] : [source.Up, between, sink.Down];
    }

    /// <summary>Bytes per second of <see cref="Path"/> alone (its slowest link): what the planner splits by.</summary>
    public double NominalRate(Holder source, Holder sink)
    {
        var rate = Math.Min(source.Up.BytesPerSecond, sink.Down.BytesPerSecond);
        return source.Pop == sink.Pop ? rate : Math.Min(rate, Between(source.Pop, sink.Pop).BytesPerSecond);
    }
}
