using System.ComponentModel.DataAnnotations;
using Discovery.Images;

namespace Discovery.Silo.Configuration;

/// <summary>
/// The <c>Discovery:Images</c> section: where this silo keeps its PoPs' chunk stores and how large they may grow, the
/// links images cross, and the simulated images a simulated cluster comes with.
/// </summary>
public sealed record ImageSettings
{
    /// <summary>The chunk stores' directory, one subdirectory per PoP (default <c>~/.discovery/images</c>).</summary>
    public string? StorePath { get; init; }

    /// <summary>GiB a PoP's store is brought back under by evicting chunks no image there needs; 0: no limit.</summary>
    [Range(0.0, 1_000_000.0)] public double StoreLimitGiB { get; init; }

    /// <summary>Site, other site, Mbit/s (symmetric): the link images cross between two PoPs.</summary>
    public Dictionary<string, Dictionary<string, double>> SiteBandwidthMbps { get; init; } = [];

    /// <summary>Mbit/s between two PoPs not listed in <see cref="SiteBandwidthMbps"/>.</summary>
    public double DefaultSiteMbps { get; init; } = 1_000;

    /// <summary>Mbit/s of a node's own link inside its PoP.</summary>
    public double NodeMbps { get; init; } = 10_000;

    /// <summary>
    /// Simulated images (2 GiB, content never stored) registered at start; null: the embedded default's
    /// (<c>alpine</c>, <c>debian-12</c>, <c>postgres-16</c>, <c>ubuntu-24.04</c>) with simulated hypervisors, none with libvirt.
    /// </summary>
    public string[]? Simulated { get; init; }

    /// <summary>The largest image file the HTTP API takes in one upload, GiB.</summary>
    [Range(0.001, 1024.0)] public double MaxUploadGiB { get; init; } = 64;

    /// <summary>What is wrong, each naming its key under <c>Images</c>.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(SiteBandwidths.Problems(SiteBandwidthMbps, DefaultSiteMbps, NodeMbps));
        foreach (var name in Simulated ?? [])
            if (!Validation.ImageCatalog.IsValidName(name))
                problems.Add($"Images:Simulated: '{name}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)");
        if (StorePath is { Length: > 0 } path && !Path.IsPathFullyQualified(path))
            problems.Add($"Images:StorePath: '{path}' is not an absolute path such as /var/lib/discovery/images");
        return problems;
    }

    /// <summary>What the grains receive, for a silo of <paramref name="hypervisor"/>.</summary>
    public ImageStoreOptions ToStoreOptions(HypervisorKind hypervisor) => new()
    {
        StorePath = StorePath is { Length: > 0 } path ? path : new ImageStoreOptions().StorePath,
        StoreLimitBytes = (long)(StoreLimitGiB * (1L << 30)),
        Bandwidths = new SiteBandwidths(SiteBandwidthMbps, DefaultSiteMbps, NodeMbps),
        SimulatedImages = Simulated ?? (hypervisor == HypervisorKind.Simulated ? [.. SyntheticImages.EmbeddedDefault] : []),
    };
}
