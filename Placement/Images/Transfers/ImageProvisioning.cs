namespace Discovery.Images.Transfers;

/// <summary>What one strategy gave on one workload. Times are the model's seconds; bytes are bytes.</summary>
public sealed record ProvisioningResult
{
    /// <summary>The strategy.</summary>
    public required TransferStrategy Strategy { get; init; }
    /// <summary>VMs whose image reached their node (the others wait for ever: no source left).</summary>
    public required int Running { get; init; }
    /// <summary>VMs whose image never arrived.</summary>
    public required int NotRunning { get; init; }
    /// <summary>Submission to running (image on the node, then the boot), median and 99th percentile.</summary>
    public required double ProvisioningP50Seconds { get; init; }
    /// <summary>See <see cref="ProvisioningP50Seconds"/>.</summary>
    public required double ProvisioningP99Seconds { get; init; }
    /// <summary>Submission to image on the node, median.</summary>
    public required double TransferP50Seconds { get; init; }
    /// <summary>See <see cref="TransferP50Seconds"/>.</summary>
    public required double TransferP99Seconds { get; init; }
    /// <summary>The last VM running, from the first submission.</summary>
    public required double LastRunningSeconds { get; init; }
    /// <summary>Bytes that crossed between PoPs.</summary>
    public required double InterPopBytes { get; init; }
    /// <summary>Bytes nodes downloaded.</summary>
    public required double NodeBytes { get; init; }
    /// <summary>Images held whole by stores and nodes at the end (bytes) over the bytes they take.</summary>
    public required double DedupRatio { get; init; }
    /// <summary>Over the nodes that downloaded: bytes received / seconds waiting for an image / link speed; median.</summary>
    public required double MedianNodeDownloadShare { get; init; }
    /// <summary>Nodes that downloaded anything.</summary>
    public required int DownloadingNodes { get; init; }
    /// <summary>Wall seconds the simulation took.</summary>
    public required double WallSeconds { get; init; }
}

/// <summary>Runs a workload through one strategy on a fresh fabric: every VM asks for its image on its node when its VE arrives.</summary>
public static class ImageProvisioning
{
    /// <summary>Simulates <paramref name="workload"/> with <paramref name="strategy"/>; <paramref name="progress"/> gets (VMs running, VMs).</summary>
    public static ProvisioningResult Run(ImageWorkload workload, TransferStrategy strategy, FabricOptions fabricOptions, double bootSeconds, int seed,
        Action<long, long>? progress = null)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var network = new FluidNetwork();
        var fabric = new ImageFabric(network, workload.Bandwidths, workload.Pops, fabricOptions);
        var images = new ImageDistribution(fabric, strategy, workload.Images, seed);
        foreach (var image in workload.Images) images.Publish(workload.Origins[ImageDistribution.KeyOf(image)], image);
        var transfer = new List<double>();
        var step = Math.Max(1, workload.Vms.Count / 100);
        foreach (var vm in workload.Vms)
            network.At(vm.At, () => images.Need(vm.Node, vm.Image, ready =>
            {
                transfer.Add(ready - vm.At);
                if (transfer.Count % step == 0) progress?.Invoke(transfer.Count, workload.Vms.Count);
            }));
        network.Run();
        progress?.Invoke(transfer.Count, workload.Vms.Count);
        return Summarize(strategy, fabric, images, transfer, workload.Vms.Count, bootSeconds, workload.Vms.Count == 0 ? 0 : workload.Vms[0].At, network.Now, wall.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One image to every node at once: <paramref name="pops"/> PoPs of <paramref name="nodesPerPop"/> nodes, the image at the first
    /// PoP only, bandwidths drawn as <see cref="ImageWorkload.DrawBandwidths"/> does.
    /// </summary>
    public static (ProvisioningResult Result, double BoundSeconds) Broadcast(int pops, int nodesPerPop, ImageManifest image, SiteBandwidths bandwidths,
        FabricOptions fabricOptions, TransferStrategy strategy, int seed, Action<long, long>? progress = null)
    {
        var layout = Enumerable.Range(0, pops)
            .Select(p => (ImageWorkloadSettings.PopName(p), (IReadOnlyList<string>)[.. Enumerable.Range(0, nodesPerPop).Select(n => ImageWorkloadSettings.NodeName(p, n))])).ToList();
        var vms = layout.SelectMany(p => p.Item2).Select((node, i) => new ImageVm(i, 0, 0, ImageDistribution.KeyOf(image), node)).ToList();
        var workload = new ImageWorkload([image], new Dictionary<string, string> { [ImageDistribution.KeyOf(image)] = layout[0].Item1 }, bandwidths, layout, vms);
        var result = Run(workload, strategy, fabricOptions, bootSeconds: 0, seed, progress);
        return (result, image.Size * 8 / (bandwidths.NodeMbps * 1e6));
    }

    private static ProvisioningResult Summarize(TransferStrategy strategy, ImageFabric fabric, ImageDistribution images, List<double> transfer, int vms,
        double bootSeconds, double first, double end, double wallSeconds)
    {
        transfer.Sort();
        var provisioning = transfer.Select(t => t + bootSeconds).ToList();
        var nodeRate = fabric.Bandwidths.NodeMbps * 1e6 / 8;
        var shares = fabric.Nodes.Where(n => n.BytesReceived > 0 && n.BusySeconds > 0).Select(n => n.BytesReceived / n.BusySeconds / nodeRate).Order().ToList();
        var (logical, stored) = images.Storage();
        return new ProvisioningResult
        {
            Strategy = strategy,
            Running = transfer.Count,
            NotRunning = vms - transfer.Count,
            ProvisioningP50Seconds = Percentile(provisioning, 0.50),
            ProvisioningP99Seconds = Percentile(provisioning, 0.99),
            TransferP50Seconds = Percentile(transfer, 0.50),
            TransferP99Seconds = Percentile(transfer, 0.99),
            LastRunningSeconds = end - first + bootSeconds,
            InterPopBytes = images.InterPopBytes,
            NodeBytes = fabric.Nodes.Sum(n => n.BytesReceived),
            DedupRatio = stored == 0 ? 1 : logical / stored,
            MedianNodeDownloadShare = Percentile(shares, 0.50),
            DownloadingNodes = shares.Count,
            WallSeconds = wallSeconds,
        };
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) => Percentiles.NearestRank(sorted, p);
}
