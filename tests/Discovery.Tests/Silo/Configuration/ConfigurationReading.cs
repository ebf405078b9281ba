using Discovery.Silo.Configuration;
using Microsoft.Extensions.Configuration;

namespace Discovery.Tests.Silo.Configuration;

/// <summary>What the silo makes of configuration values (key, value), as <c>Program</c> loads them, and the problems it finds.</summary>
internal static class ConfigurationReading
{
    public static (DiscoveryOptions Settings, List<string> Problems) Read(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        var settings = DiscoveryConfiguration.Load(configuration, out var problems);
        return (settings, problems);
    }
}
