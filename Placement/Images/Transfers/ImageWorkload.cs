namespace Discovery.Images.Transfers;

/// <summary>What <c>bench image</c> simulates: the infrastructure, the images and the VEs arriving over time.</summary>
public sealed record ImageWorkloadSettings
{
    /// <summary>VEs submitted.</summary>
    public int Ves { get; init; } = 1000;
    /// <summary>VMs per VE, each on its own node.</summary>
    public int VmsPerVe { get; init; } = 2;
    /// <summary>PoPs.</summary>
    public int Pops { get; init; } = 8;
    /// <summary>Nodes per PoP.</summary>
    public int NodesPerPop { get; init; } = 128;
    /// <summary>
    /// New VMs a node takes at most (8-core nodes already half busy, VMs of 2 vCPUs): 2,048 places for 2,000 VMs, so images
    /// must reach most nodes. With room for 4, image-aware placement stacks same-image VMs four to a node and most VMs find
    /// their image already there whatever the strategy.
    /// </summary>
    public int VmsPerNode { get; init; } = 2;
    /// <summary>The images.</summary>
    public SyntheticImageSpec Images { get; init; } = new();
    /// <summary>Zipf exponent of image popularity (rank r drawn with weight 1 / r^s, ranks a seeded shuffle of the images).</summary>
    public double Zipf { get; init; } = 1.0;
    /// <summary>Seconds over which VEs arrive (Poisson: exponential gaps of mean <see cref="ArrivalSeconds"/> / <see cref="Ves"/>).</summary>
    public double ArrivalSeconds { get; init; } = 600;
    /// <summary>Seconds from the image on the node to the VM running.</summary>
    public double BootSeconds { get; init; } = 5;
    /// <summary>Inter-PoP bandwidths, Mbit/s: each pair draws one of these (seeded).</summary>
    public IReadOnlyList<double> InterPopMbpsChoices { get; init; } = [1_000, 2_500, 5_000, 10_000];
    /// <summary>Each node's link, Mbit/s.</summary>
    public double NodeMbps { get; init; } = 10_000;
    /// <summary>Stores' links and the chunk strategy's limits.</summary>
    public FabricOptions Fabric { get; init; } = new();
    /// <summary>Seed of everything drawn.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Place ignoring images (least-loaded node, as a scheduler that does not know where images are): the same VEs and images.</summary>
    public bool ImageBlindPlacement { get; init; }

    /// <summary>What is wrong, each naming its setting and value.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("ves", Ves), ("vms-per-ve", VmsPerVe), ("pops", Pops), ("nodes-per-pop", NodesPerPop), ("vms-per-node", VmsPerNode) })
            if (value < 1) problems.Add($"{name}: must be at least 1, got {value}");
        if (VmsPerVe > NodesPerPop * Pops) problems.Add($"vms-per-ve: {VmsPerVe} VMs of a VE need as many nodes, there are {NodesPerPop * Pops}");
        if (problems.Count == 0 && (long)Ves * VmsPerVe > (long)Pops * NodesPerPop * VmsPerNode)
            problems.Add($"ves: {Ves} VEs of {VmsPerVe} VMs exceed the room of {Pops} PoPs x {NodesPerPop} nodes x {VmsPerNode} VMs");
        if (!(Zipf >= 0 && Zipf <= 10)) problems.Add($"zipf: must be within [0, 10], got {Zipf}");
        if (!(ArrivalSeconds >= 0 && ArrivalSeconds <= 86_400)) problems.Add($"arrival-seconds: must be within [0, 86400], got {ArrivalSeconds}");
        if (!(BootSeconds >= 0 && BootSeconds <= 3_600)) problems.Add($"boot-seconds: must be within [0, 3600], got {BootSeconds}");
        if (!(NodeMbps > 0 && !double.IsInfinity(NodeMbps))) problems.Add($"node-mbps: must be a positive number of Mbit/s, got {NodeMbps}");
        if (InterPopMbpsChoices.Count == 0 || InterPopMbpsChoices.Any(m => !(m > 0 && !double.IsInfinity(m))))
            problems.Add($"inter-pop-mbps: must be positive numbers of Mbit/s, got [{string.Join(", ", InterPopMbpsChoices)}]");
        problems.AddRange(Images.Problems().Select(p => $"images: {p}"));
        problems.AddRange(Fabric.Problems().Select(p => $"fabric: {p}"));
        return problems;
    }

    /// <summary>Name of PoP <paramref name="p"/>.</summary>
    public static string PopName(int p) => $"pop-{p:00}";

    /// <summary>Name of node <paramref name="n"/> of PoP <paramref name="p"/>.</summary>
    public static string NodeName(int p, int n) => $"pop-{p:00}-node-{n:000}";
}

/// <summary>One VM of the workload: when its VE arrives, which image it boots, where it is placed.</summary>
public sealed record ImageVm(int Ve, int Index, double At, string Image, string Node);

/// <summary>The drawn workload: images, where each starts, bandwidths, VMs placed.</summary>
public sealed record ImageWorkload(
    IReadOnlyList<ImageManifest> Images,
    IReadOnlyDictionary<string, string> Origins,
    SiteBandwidths Bandwidths,
    IReadOnlyList<(string Pop, IReadOnlyList<string> Nodes)> Pops,
    IReadOnlyList<ImageVm> Vms)
{
    /// <summary>
    /// Draws the workload of <paramref name="settings"/>: image i starts at PoP i mod Pops; each pair of PoPs draws its
    /// bandwidth; VEs arrive as a Poisson process; each VM draws its image by Zipf popularity, then
    /// <see cref="ImageAwarePlacement"/> places it. The same seed gives the same workload.
    /// </summary>
    public static ImageWorkload Generate(ImageWorkloadSettings settings)
    {
        if (settings.Problems() is [var first, ..]) throw new ArgumentOutOfRangeException(nameof(settings), first);
        var random = new Random(settings.Seed);
        var images = SyntheticImageFamilies.Generate(settings.Images);
        var pops = Enumerable.Range(0, settings.Pops)
            .Select(p => (ImageWorkloadSettings.PopName(p), (IReadOnlyList<string>)[.. Enumerable.Range(0, settings.NodesPerPop).Select(n => ImageWorkloadSettings.NodeName(p, n))])).ToList();
        var origins = images.Select((image, i) => (Key: ImageDistribution.KeyOf(image), Pop: ImageWorkloadSettings.PopName(i % settings.Pops)))
            .ToDictionary(x => x.Key, x => x.Pop, StringComparer.Ordinal);
        var bandwidths = DrawBandwidths(settings.Pops, settings.InterPopMbpsChoices, settings.NodeMbps, random);

        var ranked = images.Select(ImageDistribution.KeyOf).OrderBy(_ => random.Next()).ToList();
        var weights = ranked.Select((_, r) => 1 / Math.Pow(r + 1, settings.Zipf)).ToArray();
        var cumulative = weights.Select((_, i) => weights.Take(i + 1).Sum() / weights.Sum()).ToArray();
        var placement = new ImageAwarePlacement(pops, settings.VmsPerNode, images.ToDictionary(ImageDistribution.KeyOf, i => i.Size), origins, bandwidths, random)
        {
            ImageAware = !settings.ImageBlindPlacement,
        };
        var vms = new List<ImageVm>();
        var at = 0.0;
        var gap = settings.ArrivalSeconds / settings.Ves;
        for (var ve = 0; ve < settings.Ves; ve++)
        {
            if (ve > 0) at += -gap * Math.Log(1 - random.NextDouble());
            var taken = new List<string>();
            for (var i = 0; i < settings.VmsPerVe; i++)
            {
                var u = random.NextDouble();
                var image = ranked[Math.Min(ranked.Count - 1, Array.FindIndex(cumulative, c => u < c) is var k and >= 0 ? k : ranked.Count - 1)];
                var node = placement.Place(image, taken);
                taken.Add(node);
                vms.Add(new ImageVm(ve, i, at, image, node));
            }
        }
        return new(images, origins, bandwidths, pops, vms);
    }

    /// <summary>Each pair of PoPs draws one of <paramref name="choices"/> Mbit/s, in pair order (the same seed, the same links).</summary>
    public static SiteBandwidths DrawBandwidths(int pops, IReadOnlyList<double> choices, double nodeMbps, Random random)
    {
        var pairs = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        for (var a = 0; a < pops; a++)
        {
            var row = pairs[ImageWorkloadSettings.PopName(a)] = new(StringComparer.Ordinal);
            for (var b = a + 1; b < pops; b++) row[ImageWorkloadSettings.PopName(b)] = choices[random.Next(choices.Count)];
        }
        return new SiteBandwidths(pairs, defaultSiteMbps: choices.Min(), nodeMbps: nodeMbps);
    }
}

/// <summary>
/// Image-aware initial placement as a pure policy, VM by VM in arrival order (a CP-SAT solve per VE over 1,024 nodes would
/// make the benchmark too slow on two cores): among the nodes with room, not already holding one of the VE's VMs, the one with
/// the smallest estimated time to bring the image there wins: 0 on a node that holds it (or was given it by an earlier
/// VM), image size / node link in a PoP whose store holds it, image size / the best link from a PoP holding it otherwise
/// (the figure <see cref="Discovery.Placement.PlacementNode.FetchSeconds"/> carries to the solver). Ties: the node running fewest
/// VMs, then a seeded order. Where images are is what placement has decided, not how far transfers got, so every strategy
/// runs the same placement.
/// </summary>
public sealed class ImageAwarePlacement
{
    private readonly List<(string Node, string Pop, int Order)> _nodes = [];
    private readonly Dictionary<string, int> _vms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _nodeImages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _popImages = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, long> _sizes;
    private readonly SiteBandwidths _bandwidths;
    private readonly int _vmsPerNode;

    /// <summary>Nodes of <paramref name="pops"/>, each running at most <paramref name="vmsPerNode"/> VMs; images start at <paramref name="origins"/>.</summary>
    public ImageAwarePlacement(IReadOnlyList<(string Pop, IReadOnlyList<string> Nodes)> pops, int vmsPerNode, IReadOnlyDictionary<string, long> sizes,
        IReadOnlyDictionary<string, string> origins, SiteBandwidths bandwidths, Random random)
    {
        (_vmsPerNode, _sizes, _bandwidths) = (vmsPerNode, sizes, bandwidths);
        foreach (var (pop, nodes) in pops)
        {
            _popImages[pop] = new(StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                _nodes.Add((node, pop, random.Next()));
                _nodeImages[node] = new(StringComparer.Ordinal);
            }
        }
        foreach (var (image, pop) in origins) _popImages[pop].Add(image);
    }

    /// <summary>Estimated seconds to bring <paramref name="image"/> to <paramref name="node"/> of <paramref name="pop"/>, from what placement decided so far.</summary>
    public double FetchSeconds(string node, string pop, string image) => _nodeImages[node].Contains(image) ? 0 : PopSeconds(pop, image);

    /// <summary>Estimated seconds to bring <paramref name="image"/> to a node of <paramref name="pop"/> that lacks it.</summary>
    private double PopSeconds(string pop, string image)
    {
        var bytes = _sizes[image] * 8 / 1e6; // Mbit
        if (_popImages[pop].Contains(image)) return bytes / _bandwidths.NodeMbps;
        var best = _popImages.Where(p => p.Value.Contains(image)).Select(p => _bandwidths.Mbps(p.Key, pop)).DefaultIfEmpty(0).Max();
        return best > 0 ? bytes / Math.Min(best, _bandwidths.NodeMbps) : double.PositiveInfinity;
    }

    /// <summary>False: the estimate is ignored (every node equal but for its VMs), as a scheduler that does not know where images are.</summary>
    public bool ImageAware { get; init; } = true;

    /// <summary>The node for a VM of <paramref name="image"/>, not one of <paramref name="avoid"/>; it then holds the image and one more VM.</summary>
    public string Place(string image, IReadOnlyCollection<string> avoid)
    {
        var bestPerPop = _popImages.Keys.ToDictionary(p => p, p => PopSeconds(p, image), StringComparer.Ordinal);
        (string Node, string Pop, int Order)? best = null;
        (double Seconds, int Vms, int Order) bestKey = (double.PositiveInfinity, int.MaxValue, int.MaxValue);
        foreach (var n in _nodes)
        {
            var vms = _vms.GetValueOrDefault(n.Node);
            if (vms >= _vmsPerNode || avoid.Contains(n.Node)) continue;
            var key = (!ImageAware ? 0 : _nodeImages[n.Node].Contains(image) ? 0 : bestPerPop[n.Pop], vms, n.Order);
            if (key.CompareTo(bestKey) < 0) (best, bestKey) = (n, key);
        }
        if (best is not { } chosen) throw new InvalidOperationException("no node has room");
        _vms[chosen.Node] = _vms.GetValueOrDefault(chosen.Node) + 1;
        _nodeImages[chosen.Node].Add(image);
        _popImages[chosen.Pop].Add(image);
        return chosen.Node;
    }
}
