using System.Collections.Immutable;
using Discovery.Grains;
using Discovery.Images;

namespace Discovery.Client;

/// <summary>What to push as an image: its name, its disk, and the kernel, initrd and command line of a direct boot.</summary>
/// <param name="Name">The image's name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64).</param>
/// <param name="Disk">The disk's bytes (read to its end).</param>
/// <param name="Tenant">The tenant the image is private to; null: public (operators only).</param>
/// <param name="Format"><c>raw</c> or <c>qcow2</c>; null: read from the disk's first bytes (qcow2's magic, else raw).</param>
/// <param name="Kernel">A direct boot's kernel; null: the VM boots from its disk.</param>
/// <param name="Initrd">A direct boot's initrd (optional).</param>
/// <param name="CommandLine">A direct boot's kernel command line.</param>
/// <param name="Site">The PoP whose store receives the chunks; null: the cluster's choice.</param>
public sealed record ImagePush(string Name, Stream Disk, string? Tenant = null, string? Format = null, Stream? Kernel = null, Stream? Initrd = null,
    string? CommandLine = null, string? Site = null);

/// <summary>A push under way: bytes read so far, chunks sent and chunks the PoP already held (sent as nothing).</summary>
public sealed record ImagePushProgress(long Bytes, int ChunksSent, int ChunksSkipped, long BytesSent);

/// <summary>A push done: the image as registered, and what crossed the wire.</summary>
public sealed record ImagePushResult(ImageManifest Image, string Site, int ChunksSent, int ChunksSkipped, long BytesSent);

public sealed partial class DiscoveryClient
{
    /// <summary>
    /// Pushes an image: its files are cut in 4 MiB chunks named by their SHA-256; only the chunks the PoP's store lacks
    /// are sent (the same image twice sends nothing; a new version sends its changed chunks); then the catalogue
    /// registers it, a new version when its content changed.
    /// </summary>
    public async Task<ImagePushResult> PushImageAsync(ImagePush push, IProgress<ImagePushProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var site = push.Site ?? await ImageCall(() => Cluster.ImageCatalog().UploadSiteAsync(), cancellationToken);
        var store = Cluster.GetGrain<ISiteImageStoreGrain>(site);
        int sent = 0, skipped = 0;
        long read = 0, bytesSent = 0;
        async Task<ImageBlob> Send(Stream content) => await ImageChunker.ChunkAsync(content, async (chunk, bytes, ct) =>
        {
            if ((await ImageCall(() => store.MissingAsync([chunk.Digest]), ct)).IsEmpty) skipped++;
            else
            {
                await ImageCall(async () => { await store.PutChunkAsync(chunk.Digest, bytes.ToArray()); return true; }, ct);
                sent++;
                bytesSent += bytes.Length;
            }
            read += bytes.Length;
            progress?.Report(new ImagePushProgress(read, sent, skipped, bytesSent));
        }, cancellationToken: cancellationToken);

        var format = push.Format;
        var disk = push.Disk;
        if (format is null)
        {
            var magic = new byte[4];
            var got = await disk.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken); // at most 4: the buffer's size
            format = got == 4 && magic is [(byte)'Q', (byte)'F', (byte)'I', 0xfb] ? "qcow2" : "raw";
            disk = new PrefixedStream(magic.AsMemory(0, got), disk);
        }
        var diskBlob = await Send(disk);
        ImageBoot? boot = null;
        if (push.Kernel is not null)
            boot = new ImageBoot(await Send(push.Kernel), push.Initrd is null ? null : await Send(push.Initrd), push.CommandLine ?? "");
        else if (push.Initrd is not null || push.CommandLine is not null)
            throw new DiscoveryInvalidInputException([new InputProblem("kernel", null, null, "an initrd or a command line belongs to a direct boot: give its kernel too")]);
        var manifest = new ImageManifest(push.Name, 0, push.Tenant, format, diskBlob, boot);
        var registered = await ImageCall(() => Cluster.ImageCatalog().RegisterAsync(manifest, site), cancellationToken);
        return new ImagePushResult(registered, site, sent, skipped, bytesSent);
    }

    /// <summary>The images the caller may boot (public ones and its tenant's), with versions and where they are.</summary>
    public Task<ImmutableArray<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken = default) =>
        ImageCall(() => Cluster.ImageCatalog().ListAsync(), cancellationToken);

    /// <summary>The latest version of image <paramref name="name"/>; <see cref="DiscoveryNotFoundException"/> when the caller sees none.</summary>
    public async Task<ImageManifest> GetImageAsync(string name, CancellationToken cancellationToken = default) =>
        await ImageCall(() => Cluster.ImageCatalog().FindAsync(name), cancellationToken)
            ?? throw new DiscoveryNotFoundException($"no image '{name}': `discovery image list` shows the images you may boot");

    /// <summary>Deletes image <paramref name="name"/> (every version); VMs running it keep their bases. <see cref="DiscoveryNotFoundException"/> when there is none.</summary>
    public async Task DeleteImageAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!await ImageCall(() => Cluster.ImageCatalog().DeleteAsync(name), cancellationToken))
            throw new DiscoveryNotFoundException($"no image '{name}': `discovery image list` shows the images you may delete");
    }

    /// <summary><see cref="Call"/>, with the catalogue's refusals of bad input as <see cref="DiscoveryInvalidInputException"/>.</summary>
    private async Task<T> ImageCall<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try { return await Call(call, cancellationToken); }
        catch (ArgumentException e) { throw new DiscoveryInvalidInputException([new InputProblem("image", null, null, e.Message)], e); }
        catch (InvalidOperationException e) { throw new DiscoveryException(e.Message, e); }
    }

    /// <summary>A stream that gives <paramref name="prefix"/> first, then the rest of <paramref name="rest"/>: the bytes read to sniff a format.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty) return await rest.ReadAsync(buffer, cancellationToken);
            return Read(buffer.Span);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
