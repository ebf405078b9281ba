namespace Discovery.Images;

/// <summary>Where a silo keeps its PoPs' chunk stores, how large they may grow, and the links images cross.</summary>
public sealed record ImageStoreOptions
{
    /// <summary>The directory of the chunk stores, one subdirectory per PoP (default: <c>~/.discovery/images</c>).</summary>
    public string StorePath { get; init; } = Path.Combine(Security.DiscoveryHome.Directory, "images");

    /// <summary>Bytes a PoP's store is brought back under by evicting chunks no image there needs (0: no limit).</summary>
    public long StoreLimitBytes { get; init; }

    /// <summary>The links' bandwidths between PoPs and inside each.</summary>
    public SiteBandwidths Bandwidths { get; init; } = SiteBandwidths.Default;

    /// <summary>Simulated images the silo registers in the catalogue at start (<see cref="SyntheticImages"/>, 2 GiB each).</summary>
    public IReadOnlyList<string> SimulatedImages { get; init; } = [];

    /// <summary>Chunks one PoP pulls from one other PoP at once.</summary>
    public int PullsPerSource { get; init; } = 4;
}
