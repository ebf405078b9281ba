using Discovery.Client;
using Discovery.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Discovery.Silo.Operations;

/// <summary>
/// The HTTP side of Discovery's one identity: bearer tokens (JWT) validated with the same parameters as the grain-call
/// filter (<see cref="TokenValidator.ParametersFor"/>), role policies for the cluster-wide endpoints, and a
/// <see cref="DiscoveryClient"/> per request that carries the caller's token, so VE calls are judged by the silo's
/// <see cref="CallerFilter"/> exactly as the client library's are (tenant, role, rate, audit).
/// </summary>
public static class ApiSecurity
{
    /// <summary>Operators and readers.</summary>
    public const string Read = "read";

    /// <summary>Operators.</summary>
    public const string Operate = "operate";

    /// <summary>Any valid token (what it may do is judged per call).</summary>
    public const string Any = "any";

    /// <summary>The cookie <c>/dashboard/login</c> sets for the Orleans dashboard, whose page cannot send a bearer header.</summary>
    public const string DashboardCookie = "discovery_dashboard";

    public static IServiceCollection AddApiSecurity(this IServiceCollection services, SecurityOptions options)
    {
        services.AddHttpContextAccessor();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = TokenValidator.ParametersFor(options);
            if (options.Authority is { } authority)
            {
                o.Authority = authority;
                o.Audience = options.Audience;
                o.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            }
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/dashboard") && !context.Request.Headers.Authorization.Any()
                        && context.Request.Cookies.TryGetValue(DashboardCookie, out var token))
                        context.Token = token;
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    if (context.Request.Path.StartsWithSegments("/dashboard") && HttpMethods.IsGet(context.Request.Method))
                    {
                        context.Response.Redirect("/dashboard/login");
                        return;
                    }
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    var why = context.AuthenticateFailure is { } failure ? $"the token was refused: {failure.Message.Split(". ", 2)[0]}" :
                        "no token: send 'Authorization: Bearer TOKEN' (the embedded default wrote an operator token to ~/.discovery/token; `discovery token issue` makes others)";
                    await Results.Problem(why, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthenticated").ExecuteAsync(context.HttpContext);
                },
            };
        });
        services.AddAuthorization(o =>
        {
            o.AddPolicy(Read, p => { if (options.RequireTokens) p.RequireRole(TokenIssuer.RoleName(Role.Operator), TokenIssuer.RoleName(Role.Reader)); else p.RequireAssertion(_ => true); });
            o.AddPolicy(Operate, p => { if (options.RequireTokens) p.RequireRole(TokenIssuer.RoleName(Role.Operator)); else p.RequireAssertion(_ => true); });
            o.AddPolicy(Any, p => { if (options.RequireTokens) p.RequireAuthenticatedUser(); else p.RequireAssertion(_ => true); });
        });
        services.AddSingleton(sp => new ConnectedCluster(DiscoveryClient.FromCluster(sp.GetRequiredService<IClusterClient>())));
        services.AddScoped(sp => sp.GetRequiredService<ConnectedCluster>().Client.WithToken(
            options.RequireTokens ? BearerOf(sp.GetRequiredService<IHttpContextAccessor>().HttpContext) : null));
        return services;
    }

    /// <summary>The raw bearer token of a request, if any.</summary>
    public static string? BearerOf(HttpContext? context)
    {
        var header = context?.Request.Headers.Authorization.ToString();
        return header is { Length: > 7 } && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    /// <summary>The silo's own client, shared by the per-request ones.</summary>
    public sealed record ConnectedCluster(DiscoveryClient Client);
}
