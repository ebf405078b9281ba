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

        builder.Services.AddDiscoveryOptions(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);
        // Registered before Orleans, so the tables and queries exist when its providers start.
        var schema = PostgreSqlSchema.ScriptsFor(settings);
        if (schema.Count > 0)
            builder.Services.AddHostedService(sp => new PostgreSqlSchema(settings.ConnectionString!, schema, sp.GetRequiredService<ILogger<PostgreSqlSchema>>()));
        var infrastructure = builder.Services.AddHypervisors(settings);
        builder.UseOrleans(silo => OrleansSetup.Configure(silo, settings, infrastructure));
        builder.Services.AddOperations();

        var app = builder.Build();
        app.UseSecurityHeaders("/dashboard");
        app.UseDashboardRoot("/dashboard");
        app.UseRouting();
        app.MapOrleansDashboard("/dashboard");
        app.MapOperations();
        return app;
    }
}
