using System.Collections.Immutable;

namespace Discovery.Images.Transfers;

/// <summary>
/// How simulated images overlap: <see cref="Families"/> images (e.g. a distribution each) of <see cref="Versions"/> versions;
/// every image starts with the same <see cref="BaseShare"/> of its chunks (a common base layer: kernel, libc, tools);
/// version v+1 replaces <see cref="ChangedPerVersion"/> of the image's chunks of version v (outside the base) by new ones.
/// </summary>
public sealed record SyntheticImageSpec
{
    /// <summary>Images of different content (5).</summary>
    public int Families { get; init; } = 5;
    /// <summary>Versions of each (4).</summary>
    public int Versions { get; init; } = 4;
    /// <summary>Bytes of each image (2 GiB).</summary>
    public long ImageBytes { get; init; } = 2L << 30;
    /// <summary>Share of every image's chunks that all images share (25 %).</summary>
    public double BaseShare { get; init; } = 0.25;
    /// <summary>Share of an image's chunks a new version changes (20 %: it shares 80 % with the previous one).</summary>
    public double ChangedPerVersion { get; init; } = 0.20;
    /// <summary>Bytes per chunk (4 MiB).</summary>
    public int ChunkSize { get; init; } = ImageChunker.DefaultChunkSize;

    /// <summary>Chunks per image (the last one may be short).</summary>
    public int ChunksPerImage => (int)((ImageBytes + ChunkSize - 1) / ChunkSize);
    /// <summary>Chunks of the common base.</summary>
    public int BaseChunks => (int)Math.Round(ChunksPerImage * BaseShare);
    /// <summary>Chunks a new version changes.</summary>
    public int ChangedChunks => (int)Math.Round(ChunksPerImage * ChangedPerVersion);

    /// <summary>What is wrong, each naming its field.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Families < 1) problems.Add($"Families: must be at least 1, got {Families}");
        if (Versions < 1) problems.Add($"Versions: must be at least 1, got {Versions}");
        if (ChunkSize < 1) problems.Add($"ChunkSize: must be at least 1 byte, got {ChunkSize}");
        if (ImageBytes < 1) problems.Add($"ImageBytes: must be at least 1 byte, got {ImageBytes}");
        if (BaseShare is < 0 or > 1) problems.Add($"BaseShare: must be within [0, 1], got {BaseShare}");
        if (ChangedPerVersion is < 0 or > 1) problems.Add($"ChangedPerVersion: must be within [0, 1], got {ChangedPerVersion}");
        else if (problems.Count == 0 && ChangedChunks > ChunksPerImage - BaseChunks)
            problems.Add($"ChangedPerVersion: {ChangedChunks} changed chunks exceed the {ChunksPerImage - BaseChunks} outside the base");
        return problems;
    }
}

/// <summary>Simulated images (<see cref="ImageManifest.Synthetic"/>): chunks named by digest, their bytes never made.</summary>
public static class SyntheticImageFamilies
{
    /// <summary>Every version of every family, family by family (<c>family-0:1</c>, <c>family-0:2</c>, ...).</summary>
    public static IReadOnlyList<ImageManifest> Generate(SyntheticImageSpec spec)
    {
        if (spec.Problems() is [var first, ..]) throw new ArgumentOutOfRangeException(nameof(spec), first);
        var count = spec.ChunksPerImage;
        var lastSize = (int)(spec.ImageBytes - (long)(count - 1) * spec.ChunkSize);
        string Digest(params object[] parts) => ImageDigests.Combine([.. parts.Select(p => p.ToString()!)]);
        var baseChunks = Enumerable.Range(0, spec.BaseChunks).Select(i => Digest("base", i)).ToArray();
        var images = new List<ImageManifest>();
        for (var f = 0; f < spec.Families; f++)
        {
            var digests = baseChunks.Concat(Enumerable.Range(spec.BaseChunks, count - spec.BaseChunks).Select(i => Digest("family", f, 1, i))).ToArray();
            var outside = count - spec.BaseChunks;
            for (var v = 1; v <= spec.Versions; v++)
            {
                if (v > 1)
                    // The changed chunks move along the image from one version to the next, so each version changes different ones.
                    for (var k = 0; k < spec.ChangedChunks; k++)
                    {
                        var i = spec.BaseChunks + ((v - 2) * spec.ChangedChunks + k) % outside;
                        digests[i] = Digest("family", f, v, i);
                    }
                var chunks = digests.Select((d, i) => new ChunkRef(d, i == count - 1 ? lastSize : spec.ChunkSize)).ToImmutableArray();
                var blob = new ImageBlob(spec.ImageBytes, ImageDigests.Combine(digests), chunks);
                images.Add(new ImageManifest($"family-{f}", v, null, "raw", blob, Synthetic: true));
            }
        }
        return images;
    }
}
