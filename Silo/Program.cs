using Discovery.Grains;
using Discovery.Silo.Configuration;
using Discovery.Silo.Hosting;
using Orleans.Dashboard;

// One silo per PoP. With no arguments: the embedded default (localhost clustering, memory
// storage, 32 simulated nodes with the load injector, dashboard on http://127.0.0.1:8080).
var builder = WebApplication.CreateBuilder(args);
// Checked before anything is built: every bad key at once, exit code 2. The same options and
// validators are registered for the host (IOptions<DiscoveryOptions>, ValidateOnStart).
var settings = DiscoveryConfiguration.Load(builder.Configuration, out var problems);
if (problems.Count > 0)
{
    Console.Error.WriteLine("Discovery silo: invalid configuration:");
    foreach (var p in problems) Console.Error.WriteLine($"  {p}");
    Console.Error.WriteLine("Set keys in appsettings.json, as environment variables (Discovery__Simulated__Nodes=64) or on the command line (--Discovery:Simulated:Nodes 64).");
    return 2;
}

builder.Services.AddDiscoveryOptions(builder.Configuration);
builder.WebHost.UseUrls(settings.Urls);
// Registered before Orleans, so the tables and queries exist when its providers start.
var schema = PostgreSqlSchema.ScriptsFor(settings);
if (schema.Count > 0)
    builder.Services.AddHostedService(sp => new PostgreSqlSchema(settings.ConnectionString!, schema, sp.GetRequiredService<ILogger<PostgreSqlSchema>>()));
var infrastructure = builder.Services.AddHypervisors(settings);
builder.UseOrleans(silo => OrleansSetup.Configure(silo, settings, infrastructure));

var app = builder.Build();
app.UseDashboardRoot("/dashboard");
app.UseRouting();
app.MapOrleansDashboard("/dashboard");
app.MapGet("/", () => Results.Content(
    $"""
    <!doctype html><html><head><meta charset="utf-8"><title>Discovery — {settings.Site}</title></head>
    <body><h1>Discovery silo — site {System.Net.WebUtility.HtmlEncode(settings.Site)}</h1>
    <ul><li><a href="dashboard">Orleans dashboard</a></li><li><a href="api/nodes">nodes (JSON)</a></li></ul></body></html>
    """, "text/html"));
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/api/nodes", async (IGrainFactory grains, Discovery.Hypervisors.HypervisorDirectory directory) =>
{
    var nodes = await Task.WhenAll(directory.Nodes.Select(async n =>
    {
        var grain = grains.GetGrain<INodeGrain>(n);
        return (Snapshot: await grain.GetSnapshotAsync(), Status: await grain.GetStatusAsync());
    }));
    return Results.Json(nodes.Select(x => new
    {
        x.Snapshot.Node, x.Snapshot.Site, capacity = x.Snapshot.Capacity, demand = x.Snapshot.Demand, cpuLoad = Math.Round(x.Snapshot.CpuLoad, 3),
        x.Snapshot.Overloaded, vms = x.Snapshot.Vms.Length, maintenance = x.Status.Maintenance,
        reservedBy = x.Status.Reservation?.PartitionId, pendingEvent = x.Status.PendingEvent?.Kind.ToString(),
    }));
});

try
{
    await app.RunAsync();
    return 0;
}
catch (InvalidOperationException e) when (e.Message.StartsWith(DiscoveryOptions.Section, StringComparison.Ordinal))
{
    Console.Error.WriteLine($"Discovery silo: {e.Message}");
    return 3;
}

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
