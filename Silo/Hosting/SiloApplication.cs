using Discovery.Security;
using Discovery.Silo.Configuration;
using Discovery.Silo.Operations;
using Orleans.Dashboard;

namespace Discovery.Silo.Hosting;

/// <summary>
/// Builds one silo with its HTTP surface (operator page, JSON API, OpenAPI, metrics, health, Orleans
/// dashboard) from its arguments: what <c>Program</c> runs, and what tests start in-process.
/// </summary>
public static class SiloApplication
{
    /// <summary>
    /// The silo ready to start, or null with every configuration problem (one line per bad key) when
    /// the configuration is invalid.
    /// </summary>
    public static WebApplication? Build(string[] args, out IReadOnlyList<string> problems)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Checked before anything is built: every bad key at once. The same options and validators are
        // registered for the host (IOptions<DiscoveryOptions>, ValidateOnStart).
        var settings = DiscoveryConfiguration.Load(builder.Configuration, out var found);
        problems = found;
        if (found.Count > 0) return null;

        var security = SecurityBootstrap.Prepare(settings, out var keyProblem, out var operatorTokenFile);
        if (security is null)
        {
            problems = [keyProblem!];
            return null;
        }

        builder.Services.AddDiscoveryOptions(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);
        // Registered before Orleans, so the tables and queries exist when its providers start.
        var schema = PostgreSqlSchema.ScriptsFor(settings);
        if (schema.Count > 0)
            builder.Services.AddHostedService(sp => new PostgreSqlSchema(settings.SchemaConnectionString ?? settings.ConnectionString!, schema, sp.GetRequiredService<ILogger<PostgreSqlSchema>>()));
        var infrastructure = builder.Services.AddHypervisors(settings);
        builder.UseOrleans(silo =>
        {
            OrleansSetup.Configure(silo, settings, infrastructure);
            silo.AddDiscoverySecurity(security);
        });
        builder.Services.AddOperations(security);

        var app = builder.Build();
        if (operatorTokenFile is not null)
            app.Logger.LogInformation("Tokens required; an operator token is in {TokenFile} (the CLI and client read it from there)", operatorTokenFile);
        if (settings.Security.KeyFile is null && settings.Clustering != ClusteringKind.Localhost)
            app.Logger.LogWarning("Discovery:Security:KeyFile is not set: this silo uses {KeyFile}; every silo of the cluster needs the same key (copy it, and set KeyFile)", DiscoveryHome.KeyFile);
        if (!security.RequireTokens)
            app.Logger.LogWarning("Discovery:Security:Tokens is false: anyone who reaches {Urls} may do anything (loopback only)", settings.Urls);
        app.UseSecurityHeaders("/dashboard");
        app.UseDashboardRoot("/dashboard");
        app.UseDashboardSecurity("/dashboard");
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDashboardLogin("/dashboard");
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(ApiSecurity.Operate);
        app.MapOperations();
        return app;
    }
}
