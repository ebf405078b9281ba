using System.Reflection;

namespace Discovery.Silo.Operations;

/// <summary>The operator page's files, shipped inside the silo's assembly: nothing is fetched from anywhere else.</summary>
public static class OperatorPage
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "favicon.svg", "image/svg+xml"),
    ];

    /// <summary>Maps <c>/</c>, <c>/app.js</c>, <c>/app.css</c> and <c>/favicon.svg</c>.</summary>
    public static void MapOperatorPage(this IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                // Only the silo's own files run here: the page builds text nodes, and this keeps it that way.
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Bytes(bytes, contentType);
            }).ExcludeFromDescription();
        }
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Discovery.Silo.Page.{name}")
            ?? throw new InvalidOperationException($"the silo was built without its page file {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
