using System.Collections.Immutable;
using Discovery.Security;

namespace Discovery.Images;

/// <summary>
/// A PoP's chunk store (key: the PoP), active on a silo of that PoP, over a directory on its host. Pushes land here;
/// other PoPs and this PoP's nodes read chunks from here; bringing an image here pulls its missing chunks from every
/// PoP that holds them at once (<see cref="EnsureAsync"/>).
/// </summary>
[Alias("discovery.ISiteImageStoreGrain")]
public interface ISiteImageStoreGrain : IGrainWithStringKey
{
    /// <summary>Which of <paramref name="digests"/> the store lacks: a push sends only those.</summary>
    [Alias("Missing"), ClientAccess(Access.PushImage)]
    Task<ImmutableArray<string>> MissingAsync(ImmutableArray<string> digests);

    /// <summary>Stores one chunk; refused (<see cref="ArgumentException"/>) when its bytes do not hash to <paramref name="digest"/>.</summary>
    [Alias("PutChunk"), ClientAccess(Access.PushImage)]
    Task PutChunkAsync(string digest, byte[] bytes);

    /// <summary>A chunk's verified bytes; null when the store lacks it (or found it corrupt and dropped it).</summary>
    [Alias("ReadChunk"), Orleans.Concurrency.AlwaysInterleave]
    Task<byte[]?> ReadChunkAsync(string digest);

    /// <summary>
    /// Brings every chunk of <paramref name="chunks"/> here, from the PoPs that hold them, split by link bandwidth; one
    /// transfer for concurrent needs of the same chunks; a transfer cut short resumes with what is still missing.
    /// Returns the bytes pulled from each PoP.
    /// </summary>
    [Alias("Ensure"), ResponseTimeout("00:30:00")] // gigabytes between PoPs
    Task<ImmutableDictionary<string, long>> EnsureAsync(ImmutableArray<ChunkRef> chunks);

    /// <summary>Every digest the store holds (reported to the catalogue when it asks again).</summary>
    [Alias("Held"), Orleans.Concurrency.AlwaysInterleave]
    Task<ImmutableArray<string>> HeldAsync();
}
