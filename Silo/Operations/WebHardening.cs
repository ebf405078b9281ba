namespace Discovery.Silo.Operations;

/// <summary>
/// Headers every response carries: no MIME sniffing, no framing (clickjacking), no referrer leaving the silo, and a
/// Content-Security-Policy (the operator page and the Orleans dashboard load only the silo's own scripts; the dashboard's
/// charts set inline styles). An endpoint that sets its own policy keeps it, with framing forbidden added.
/// </summary>
public static class WebHardening
{
    /// <summary>Every response but the dashboard's: the silo's own files only.</summary>
    public const string DefaultPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>The dashboard's: its bundle sets inline styles and embeds fonts; its page carries a base element (DashboardRoot).</summary>
    public const string DashboardPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>Adds the headers to every response of <paramref name="app"/>; <paramref name="dashboard"/> is the dashboard's path prefix.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string dashboard) => app.Use((context, next) =>
    {
        var isDashboard = context.Request.Path.StartsWithSegments(dashboard, StringComparison.OrdinalIgnoreCase);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            var own = headers.ContentSecurityPolicy.ToString();
            headers.ContentSecurityPolicy = own.Length == 0 ? (isDashboard ? DashboardPolicy : DefaultPolicy)
                : own.Contains("frame-ancestors", StringComparison.Ordinal) ? own : own + "; frame-ancestors 'none'";
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>The largest request body Kestrel reads (1 MiB by default): a VE is a few KiB, and a body is read whole before it is parsed.</summary>
    public const int DefaultMaxRequestBodyBytes = 1024 * 1024;
}
