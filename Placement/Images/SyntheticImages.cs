using System.Collections.Immutable;

namespace Discovery.Images;

/// <summary>
/// Simulated images (<see cref="ImageManifest.Synthetic"/>): chunks named from the image's name and their index, never
/// stored. What the embedded default's catalogue holds, so that its VEs name real catalogue entries while its simulated
/// hypervisors boot nothing.
/// </summary>
public static class SyntheticImages
{
    /// <summary>The images the embedded default comes with: the templates' default and those README's examples name.</summary>
    public static readonly ImmutableArray<string> EmbeddedDefault = ["alpine", "debian-12", "postgres-16", "ubuntu-24.04"];

    /// <summary>A public synthetic image of <paramref name="bytes"/> bytes in chunks of <paramref name="chunkSize"/>.</summary>
    public static ImageManifest Of(string name, long bytes = 2L << 30, int chunkSize = ImageChunker.DefaultChunkSize)
    {
        var count = (int)((bytes + chunkSize - 1) / chunkSize);
        var chunks = Enumerable.Range(0, count)
            .Select(i => new ChunkRef(ImageDigests.Combine("synthetic", name, i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                (int)Math.Min(chunkSize, bytes - (long)i * chunkSize)))
            .ToImmutableArray();
        return new ImageManifest(name, 0, null, "qcow2", new ImageBlob(bytes, ImageDigests.Combine("synthetic", name), chunks), Synthetic: true);
    }
}
