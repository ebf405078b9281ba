using Discovery.Security;
using Discovery.Silo.Operations;

namespace Discovery.Silo.Hosting;

/// <summary>
/// The Orleans dashboard is the operators': its trace (every log line of the silo) is never served, and a browser signs in
/// once at <c>/dashboard/login</c> with an operator token, kept in an HttpOnly, SameSite=Strict cookie scoped to the
/// dashboard (its page cannot send a bearer header).
/// </summary>
internal static class DashboardSecurity
{
    public static IApplicationBuilder UseDashboardSecurity(this IApplicationBuilder app, string prefix) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(prefix + "/Trace", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await next(context);
    });

    public static void MapDashboardLogin(this IEndpointRouteBuilder app, string prefix)
    {
        app.MapGet(prefix + "/login", () => Results.Content(LoginPage(prefix, null), "text/html")).ExcludeFromDescription();
        app.MapPost(prefix + "/login", async (HttpContext context, TokenValidator tokens) =>
        {
            var form = await context.Request.ReadFormAsync();
            var token = form["token"].ToString().Trim();
            string? refusal;
            try
            {
                refusal = (await tokens.ValidateAsync(token)).Role == Role.Operator ? null : "this token is not an operator's";
            }
            catch (AccessDeniedException e)
            {
                refusal = e.Message;
            }
            if (refusal is not null) return Results.Content(LoginPage(prefix, refusal), "text/html", statusCode: StatusCodes.Status401Unauthorized);
            context.Response.Cookies.Append(ApiSecurity.DashboardCookie, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = prefix,
                MaxAge = TimeSpan.FromHours(8),
            });
            return Results.Redirect(prefix + "/");
        }).DisableAntiforgery().ExcludeFromDescription();
    }

    private static string LoginPage(string prefix, string? refusal) => $$"""
        <!doctype html><html><head><meta charset="utf-8"><title>Discovery dashboard: sign in</title></head>
        <body style="font-family:sans-serif;max-width:40em;margin:3em auto">
        <h1>Orleans dashboard</h1>
        <p>The dashboard is for operators. Paste an operator token (the embedded default wrote one to <code>~/.discovery/token</code>;
        <code>discovery token issue --role operator</code> makes others).</p>
        {{(refusal is null ? "" : $"<p style=\"color:#b00\">{System.Net.WebUtility.HtmlEncode(refusal)}</p>")}}
        <form method="post" action="{{prefix}}/login"><textarea name="token" rows="5" cols="70" required></textarea><br><button type="submit">Sign in</button></form>
        </body></html>
        """;
}
