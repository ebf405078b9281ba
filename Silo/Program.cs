using Discovery.Silo.Configuration;
using Discovery.Silo.Hosting;

// One silo per PoP. With no arguments: the embedded default (localhost clustering, memory
// storage, 32 simulated nodes with the load injector, operator page on http://127.0.0.1:8080).
var app = SiloApplication.Build(args, out var problems);
if (app is null)
{
    Console.Error.WriteLine("Discovery silo: invalid configuration:");
    foreach (var p in problems) Console.Error.WriteLine($"  {p}");
    Console.Error.WriteLine("Set keys in appsettings.json, as environment variables (Discovery__Simulated__Nodes=64) or on the command line (--Discovery:Simulated:Nodes 64).");
    return 2;
}

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
