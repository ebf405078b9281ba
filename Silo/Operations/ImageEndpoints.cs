using Discovery.Client;
using Discovery.Images;
using Discovery.Silo.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace Discovery.Silo.Operations;

/// <summary>An image as the HTTP API shows it.</summary>
public sealed record ImageJson(string Name, int Version, string? Tenant, string Format, long Size, string Digest, int Chunks, string? Kernel, string? Initrd,
    string? CommandLine, DateTimeOffset Pushed, bool Simulated, int? Versions = null, IReadOnlyList<string>? Sites = null, int? CachedOnNodes = null)
{
    public static ImageJson From(ImageManifest m, ImageSummary? s = null) => new(m.Name, m.Version, m.Tenant, m.Format, m.Size, m.Digest, m.Chunks.Count,
        m.Boot?.Kernel.Digest, m.Boot?.Initrd?.Digest, m.Boot?.CommandLine, m.Pushed, m.Synthetic, s?.Versions, s?.Sites, s?.CachedOnNodes);
}

/// <summary>A push through the HTTP API: the image, and what crossed the wire to the PoP's store.</summary>
public sealed record ImagePushJson(ImageJson Image, string Site, int ChunksSent, int ChunksSkipped, long BytesSent);

/// <summary><c>/api/images</c>: list, show, push (the disk streamed as the request body, chunked as it arrives), delete.</summary>
internal static class ImageEndpoints
{
    public static void MapImages(RouteGroupBuilder api, ImageSettings settings)
    {
        var images = api.MapGroup("/images").WithTags("images");
        images.MapGet("/", async (DiscoveryClient client, CancellationToken ct) =>
                (await client.ListImagesAsync(ct)).Select(s => ImageJson.From(s.Latest, s)).ToList())
            .WithSummary("The images the caller may boot (public ones and its tenant's): latest version, versions, PoPs holding all its chunks, nodes caching it.");
        images.MapGet("/{name}", async (string name, DiscoveryClient client, CancellationToken ct) => ImageJson.From(await client.GetImageAsync(name, ct)))
            .WithSummary("The latest version of one image.").Produces<ImageJson>().ProducesProblem(StatusCodes.Status404NotFound);
        images.MapPut("/{name}", async Task<IResult> (string name, string? tenant, string? format, string? site, HttpRequest request, DiscoveryClient client, CancellationToken ct) =>
            {
                if (!Validation.ImageCatalog.IsValidName(name))
                    return ApiProblems.Invalid("name", $"'{name}' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)");
                if (format is not (null or "raw" or "qcow2")) return ApiProblems.Invalid("format", $"'{format}' is not raw or qcow2 (or leave it out: read from the disk)");
                // An image is far larger than the API's usual limit: this endpoint reads up to MaxUploadGiB, a chunk at a time.
                if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                    limit.MaxRequestBodySize = (long)(settings.MaxUploadGiB * (1L << 30));
                var pushed = await client.PushImageAsync(new ImagePush(name, request.Body, tenant, format, Site: site), cancellationToken: ct);
                return Results.Created($"/api/images/{name}",
                    new ImagePushJson(ImageJson.From(pushed.Image), pushed.Site, pushed.ChunksSent, pushed.ChunksSkipped, pushed.BytesSent));
            })
            .WithSummary("Pushes a disk image (the body, application/octet-stream), booted from its own boot loader: only the chunks the PoP lacks are stored; " +
                         "a new version when the content changed. ?tenant= makes it private to a tenant (a tenant may push only its own); ?format=raw|qcow2 (default: read from the disk).")
            .Accepts<Stream>("application/octet-stream").Produces<ImagePushJson>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        images.MapDelete("/{name}", async (string name, DiscoveryClient client, CancellationToken ct) =>
            {
                await client.DeleteImageAsync(name, ct);
                return Results.NoContent();
            })
            .WithSummary("Forgets every version of an image; VMs running it keep their cached bases.").ProducesProblem(StatusCodes.Status404NotFound);
    }
}
