using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Discovery.Images;
using Discovery.Images.Transfers;

namespace Discovery.Cli.Bench;

/// <summary>One of issue 24's targets: the figure, the bound, whether it is met.</summary>
public sealed record ImageTarget(string Name, double Value, double Bound, bool Met);

/// <summary>The broadcast: one image to every node at once, per strategy, against the physical bound.</summary>
public sealed record BroadcastResult(int Pops, int Nodes, double BoundSeconds, ProvisioningResult Result);

/// <summary>The figures of <c>discovery bench image</c>.</summary>
public sealed record ImageBenchmarkReport
{
    /// <summary>The settings run.</summary>
    public required ImageWorkloadSettings Settings { get; init; }
    /// <summary>Images, distinct chunks and how they overlap.</summary>
    public required string ImagesDescription { get; init; }
    /// <summary>Bytes of the distinct chunks of all images (the catalogue deduplicated).</summary>
    public required double CatalogueUniqueBytes { get; init; }
    /// <summary>Bytes of all images counted whole.</summary>
    public required double CatalogueLogicalBytes { get; init; }
    /// <summary>Mbit/s between each pair of PoPs of the main run.</summary>
    public required Dictionary<string, double> InterPopMbps { get; init; }
    /// <summary>VMs per image (the popularity the seed drew).</summary>
    public required Dictionary<string, int> VmsPerImage { get; init; }
    /// <summary>(a), (b), (c) on the same workload and placement.</summary>
    public required List<ProvisioningResult> Strategies { get; init; }
    /// <summary>(a) again, the same VEs and images placed ignoring images (least-loaded node): what image-aware placement alone buys a Glance-like layer.</summary>
    public required ProvisioningResult ImageBlindOrigin { get; init; }
    /// <summary>One image to every node of the broadcast layout, per strategy.</summary>
    public required List<BroadcastResult> Broadcast { get; init; }
    /// <summary>Issue 24's targets.</summary>
    public required List<ImageTarget> Targets { get; init; }
    /// <summary>Wall seconds of the whole run.</summary>
    public required double WallSeconds { get; init; }
}

/// <summary>
/// <c>discovery bench image</c>: VEs arrive over time on simulated PoPs; their VMs' images reach their nodes by three
/// strategies on the same workload and placement (the pure transfer model of <see cref="ImageDistribution"/>), then
/// one image goes to every node of a large layout.
/// </summary>
public static class ImageBenchmark
{
    private static readonly string[] Labels = ["(a) whole, origin PoP", "(b) whole, nearest PoP", "(c) discovery chunks"];

    /// <summary>Runs the benchmark; <paramref name="progress"/> gets (phase, done, total).</summary>
    public static ImageBenchmarkReport Run(ImageWorkloadSettings settings, int broadcastPops, Action<string, long, long> progress)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var workload = ImageWorkload.Generate(settings);
        var strategies = new List<ProvisioningResult>();
        foreach (var strategy in Enum.GetValues<TransferStrategy>())
        {
            var label = Labels[(int)strategy];
            strategies.Add(ImageProvisioning.Run(workload, strategy, settings.Fabric, settings.BootSeconds, settings.Seed, (d, t) => progress(label, d, t)));
        }
        var blind = ImageProvisioning.Run(ImageWorkload.Generate(settings with { ImageBlindPlacement = true }), TransferStrategy.WholeFromOrigin, settings.Fabric,
            settings.BootSeconds, settings.Seed, (d, t) => progress("(a) image-blind placement", d, t));
        var broadcast = new List<BroadcastResult>();
        if (broadcastPops > 0)
        {
            var bandwidths = ImageWorkload.DrawBandwidths(broadcastPops, settings.InterPopMbpsChoices, settings.NodeMbps, new Random(settings.Seed));
            foreach (var strategy in Enum.GetValues<TransferStrategy>())
            {
                var label = $"broadcast {Labels[(int)strategy]}";
                var (result, bound) = ImageProvisioning.Broadcast(broadcastPops, settings.NodesPerPop, workload.Images[0], bandwidths, settings.Fabric, strategy, settings.Seed,
                    (d, t) => progress(label, d, t));
                broadcast.Add(new BroadcastResult(broadcastPops, broadcastPops * settings.NodesPerPop, bound, result));
            }
        }
        var (a, c) = (strategies[0], strategies[2]);
        var targets = new List<ImageTarget>
        {
            new("p50 provisioning (c) <= 0.3 x (a)", c.ProvisioningP50Seconds, 0.3 * a.ProvisioningP50Seconds, c.ProvisioningP50Seconds <= 0.3 * a.ProvisioningP50Seconds),
            new("bytes between PoPs (c) <= 0.4 x (a)", c.InterPopBytes, 0.4 * a.InterPopBytes, c.InterPopBytes <= 0.4 * a.InterPopBytes),
            new("median node download (c) >= 80 % of its link", c.MedianNodeDownloadShare, 0.8, c.MedianNodeDownloadShare >= 0.8),
        };
        if (broadcast.Count == 3)
        {
            var b = broadcast[2];
            targets.Add(new($"one image to {b.Nodes} nodes (c) within 1.5 x image size / node link", b.Result.LastRunningSeconds, 1.5 * b.BoundSeconds,
                b.Result.LastRunningSeconds <= 1.5 * b.BoundSeconds));
        }
        var unique = workload.Images.SelectMany(i => i.Chunks).DistinctBy(ch => ch.Digest).Sum(ch => (double)ch.Size);
        var spec = settings.Images;
        return new ImageBenchmarkReport
        {
            Settings = settings,
            ImagesDescription = $"{spec.Families} families x {spec.Versions} versions of {spec.ImageBytes / (double)(1 << 30):0.##} GiB in {spec.ChunkSize >> 20} MiB chunks: " +
                $"{spec.BaseChunks} chunks ({spec.BaseShare:P0}) common to all, each version changes {spec.ChangedChunks} ({spec.ChangedPerVersion:P0}) of the previous one's",
            CatalogueUniqueBytes = unique,
            CatalogueLogicalBytes = workload.Images.Sum(i => (double)i.Size),
            InterPopMbps = Enumerable.Range(0, settings.Pops).SelectMany(x => Enumerable.Range(x + 1, settings.Pops - x - 1).Select(y => (x, y)))
                .ToDictionary(p => $"{ImageWorkloadSettings.PopName(p.x)}~{ImageWorkloadSettings.PopName(p.y)}",
                    p => workload.Bandwidths.Mbps(ImageWorkloadSettings.PopName(p.x), ImageWorkloadSettings.PopName(p.y))),
            VmsPerImage = workload.Vms.GroupBy(v => v.Image).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            Strategies = strategies,
            ImageBlindOrigin = blind,
            Broadcast = broadcast,
            Targets = targets,
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 1),
        };
    }

    /// <summary>The <c>bench image</c> command.</summary>
    public static Command Command()
    {
        var d = new ImageWorkloadSettings();
        Option<int> Int(string name, int fallback, string description) => new(name) { Description = description, DefaultValueFactory = _ => fallback };
        Option<double> Real(string name, double fallback, string description) => new(name) { Description = description, DefaultValueFactory = _ => fallback };
        var ves = Int("--ves", d.Ves, "VEs submitted.");
        var vmsPerVe = Int("--vms-per-ve", d.VmsPerVe, "VMs per VE, each on its own node, each drawing its image.");
        var pops = Int("--pops", d.Pops, "PoPs of the main run.");
        var nodesPerPop = Int("--nodes-per-pop", d.NodesPerPop, "Nodes per PoP (main run and broadcast).");
        var vmsPerNode = Int("--vms-per-node", d.VmsPerNode, "New VMs a node takes at most (nodes already half busy).");
        var zipf = Real("--zipf", d.Zipf, "Zipf exponent of image popularity (0: uniform).");
        var arrival = Real("--arrival-seconds", d.ArrivalSeconds, "Seconds over which the VEs arrive (Poisson).");
        var boot = Real("--boot-seconds", d.BootSeconds, "Seconds from the image on the node to the VM running.");
        var broadcastPops = Int("--broadcast-pops", 80, "PoPs of the broadcast (one image to all their nodes); 0: no broadcast.");
        var seed = Int("--seed", d.Seed, "Seed of the workload, bandwidths, popularity and placement ties.");
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to FILE." };
        var command = new Command("image", """
            Simulates issue 24's image layer: 20 synthetic images of 2 GiB (5 families x 4 versions; 25 % of
            every image is a base common to all, each version changes 20 % of the previous one's chunks), image
            i starting at PoP i mod --pops; links between PoPs of 1, 2.5, 5 or 10 Gbit/s drawn per pair,
            10 Gbit/s per node, 40 Gbit/s per PoP store, each link split equally between its flows.
            VEs arrive as a Poisson process; each VM draws its image by Zipf popularity and is placed by the
            image-aware preference (the node, then the PoP, holding the image wins among nodes with room).
            The same workload and placement run three ways: (a) whole images from the one PoP that holds them
            (Glance/Swift-like), (b) whole images from the nearest PoP holding them through the node's PoP
            store, (c) Discovery: chunks deduplicated, one multi-source pull per image and PoP split by link
            bandwidth, nodes pulling from their store and from each other. Reports provisioning time (submit
            to running: transfer, then --boot-seconds) p50/p99, bytes between PoPs, the dedup ratio, the
            median node download speed as a share of its link; (a) again with the VMs placed ignoring images
            (least-loaded node), what image-aware placement alone buys; then one image to every node of
            --broadcast-pops PoPs against the bound image size / node link; and issue 24's targets.
            Times are the model's (a fluid model of the links); wall time is the CPU it takes (about 3 min).
            Example: discovery bench image --json bench-results/issue24/image.json
            Example (quick): discovery bench image --ves 100 --pops 4 --nodes-per-pop 32 --broadcast-pops 8
            """) { ves, vmsPerVe, pops, nodesPerPop, vmsPerNode, zipf, arrival, boot, broadcastPops, seed, json };
        command.SetAction(parse =>
        {
            var settings = d with
            {
                Ves = parse.GetValue(ves), VmsPerVe = parse.GetValue(vmsPerVe), Pops = parse.GetValue(pops), NodesPerPop = parse.GetValue(nodesPerPop),
                VmsPerNode = parse.GetValue(vmsPerNode), Zipf = parse.GetValue(zipf), ArrivalSeconds = parse.GetValue(arrival),
                BootSeconds = parse.GetValue(boot), Seed = parse.GetValue(seed),
            };
            var problems = settings.Problems().Select(p => $"--{p}").ToList();
            if (parse.GetValue(broadcastPops) < 0) problems.Add($"--broadcast-pops: must not be negative, got {parse.GetValue(broadcastPops)}");
            if (problems.Count > 0)
            {
                foreach (var p in problems) Console.Error.WriteLine($"discovery bench image: {p}");
                return 2;
            }
            Console.Error.WriteLine($"{settings.Ves} VE(s) x {settings.VmsPerVe} VMs over {settings.ArrivalSeconds} s on {settings.Pops} PoPs x {settings.NodesPerPop} nodes; " +
                $"broadcast to {parse.GetValue(broadcastPops)} PoPs x {settings.NodesPerPop} nodes; seed {settings.Seed}");
            var phase = "";
            var report = Run(settings, parse.GetValue(broadcastPops), (name, done, total) =>
            {
                if (name != phase)
                {
                    if (phase != "") Progress.Done();
                    phase = name;
                }
                Progress.Report(done, total, $"{name}: VMs with their image");
            });
            Progress.Done();
            Print(report);
            if (parse.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(report, SolverBenchmark.Json));
                Console.Error.WriteLine($"wrote {file.FullName}");
            }
            return 0;
        });
        return command;
    }

    private static void Print(ImageBenchmarkReport r)
    {
        var c = CultureInfo.InvariantCulture;
        const double GiB = 1 << 30;
        Console.WriteLine($"images: {r.ImagesDescription}; catalogue {r.CatalogueLogicalBytes / GiB:0.0} GiB whole, {r.CatalogueUniqueBytes / GiB:0.0} GiB distinct");
        Console.WriteLine("VMs per image: " + string.Join(", ", r.VmsPerImage.Select(kv => $"{kv.Key} {kv.Value}")));
        Console.WriteLine(string.Format(c, "{0,-24} {1,8} {2,8} {3,8} {4,8} {5,8} {6,12} {7,11} {8,7} {9,10} {10,7}",
            "strategy", "running", "p50 s", "p99 s", "xfer p50", "xfer p99", "inter-PoP GiB", "node GiB", "dedup", "node link", "wall s"));
        void Row(string label, ProvisioningResult s) => Console.WriteLine(string.Format(c, "{0,-24} {1,8} {2,8:0.0} {3,8:0.0} {4,8:0.0} {5,8:0.0} {6,12:0.0} {7,11:0.0} {8,7:0.00} {9,10:P1} {10,7:0.0}",
            label, s.Running, s.ProvisioningP50Seconds, s.ProvisioningP99Seconds, s.TransferP50Seconds, s.TransferP99Seconds, s.InterPopBytes / GiB, s.NodeBytes / GiB,
            s.DedupRatio, s.MedianNodeDownloadShare, s.WallSeconds));
        foreach (var s in r.Strategies) Row(Labels[(int)s.Strategy], s);
        Row("(a) image-blind placement", r.ImageBlindOrigin);
        foreach (var b in r.Broadcast)
            Console.WriteLine(string.Format(c, "broadcast {0}: {1} nodes in {2:0.0} s (p50 {3:0.0} s, {4:0.0} GiB between PoPs, median node {5:P1} of its link); bound {6:0.00} s; {7:0.0} wall s",
                Labels[(int)b.Result.Strategy], b.Nodes, b.Result.LastRunningSeconds, b.Result.TransferP50Seconds, b.Result.InterPopBytes / GiB,
                b.Result.MedianNodeDownloadShare, b.BoundSeconds, b.Result.WallSeconds));
        Console.WriteLine(string.Format(c, "(c) against (a) with image-blind placement: p50 {0:0.00}x, bytes between PoPs {1:0.00}x",
            r.Strategies[2].ProvisioningP50Seconds / r.ImageBlindOrigin.ProvisioningP50Seconds, r.Strategies[2].InterPopBytes / Math.Max(1, r.ImageBlindOrigin.InterPopBytes)));
        foreach (var t in r.Targets)
            Console.WriteLine(string.Format(c, "target {0}: {1:0.###} against {2:0.###}: {3}", t.Name, t.Value, t.Bound, t.Met ? "met" : "NOT met"));
        Console.WriteLine($"wall {r.WallSeconds:0.0} s");
    }
}
