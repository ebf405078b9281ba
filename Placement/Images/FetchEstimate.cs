namespace Discovery.Images;

/// <summary>
/// How long bringing an image to a node takes, for placement: the chunks its PoP's store lacks, pulled from every PoP
/// that holds them at once (<see cref="TransferPlanner"/>), then the node's copy over its own link. A simulated
/// (synthetic) image is at every PoP already.
/// </summary>
public sealed class FetchEstimate(SiteBandwidths bandwidths, IReadOnlyDictionary<string, HashSet<string>> chunksAt)
{
    /// <summary>Seconds to bring <paramref name="image"/>'s missing chunks to <paramref name="site"/>'s store (+infinity when no PoP holds some).</summary>
    public double ToSite(ImageManifest image, string site)
    {
        if (image.Synthetic) return 0;
        var here = chunksAt.GetValueOrDefault(site);
        var missing = image.Chunks.Where(c => here?.Contains(c.Digest) != true).ToList();
        if (missing.Count == 0) return 0;
        var sources = chunksAt.Where(s => s.Key != site).Select(s => new TransferSource(s.Key, bandwidths.BytesPerSecond(site, s.Key), s.Value)).ToList();
        var plan = TransferPlanner.Plan(missing, sources);
        return plan.Unavailable.Count > 0 ? 3600 : plan.Estimated.TotalSeconds;
    }

    /// <summary>Seconds for a node to copy an image of <paramref name="bytes"/> from its PoP over its own link.</summary>
    public double ToNode(long bytes) => bytes / bandwidths.BytesPerSecond("", "");
}
