using System.Text;

namespace Discovery.Silo.Hosting;

/// <summary>
/// The Orleans dashboard answers <c>/dashboard</c> with a redirect to <c>/dashboard/</c>, since its
/// page loads its assets by relative path. Operators (and health checks) expect <c>/dashboard</c>
/// itself to answer 200: serve the same page there, with a base element so its relative paths
/// still resolve under <c>/dashboard/</c>.
/// </summary>
internal static class DashboardRoot
{
    public static IApplicationBuilder UseDashboardRoot(this IApplicationBuilder app, string prefix) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) || !string.Equals(context.Request.Path.Value, prefix, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        context.Request.Path = prefix + "/";
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        buffer.Position = 0;
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(buffer.ToArray());
            var at = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
            if (at >= 0) html = html.Insert(at + "<head>".Length, $"<base href=\"{prefix}/\" />");
            var bytes = Encoding.UTF8.GetBytes(html);
            context.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes);
        }
        else
        {
            await buffer.CopyToAsync(original);
        }
    });
}
