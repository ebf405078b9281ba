using System.Net;

namespace Discovery.Silo.Configuration;

/// <summary>
/// Where the silo and gateway ports bind and what address the silo publishes. Without TLS both stay on loopback:
/// the ports would otherwise let anyone who reaches them call every grain.
/// </summary>
public static class SiloEndpoints
{
    /// <summary>The address published in the membership table: <see cref="DiscoveryOptions.AdvertisedAddress"/>, else 127.0.0.1.</summary>
    public static IPAddress Advertised(DiscoveryOptions settings) => Parse(settings.AdvertisedAddress) ?? IPAddress.Loopback;

    /// <summary>The address the ports bind to: <see cref="DiscoveryOptions.ListenAddress"/>, else the advertised one.</summary>
    public static IPAddress Listening(DiscoveryOptions settings) => Parse(settings.ListenAddress) ?? Advertised(settings);

    /// <summary>Why these settings may not start (one line per key, naming it), or nothing.</summary>
    public static IEnumerable<string> Problems(DiscoveryOptions settings)
    {
        const string section = DiscoveryOptions.Section;
        foreach (var (key, value) in new[] { ("AdvertisedAddress", settings.AdvertisedAddress), ("ListenAddress", settings.ListenAddress) })
        {
            if (value is null) continue;
            if (!IPAddress.TryParse(value, out var address))
                yield return $"{section}:{key}: '{value}' is not an IP address such as 10.0.0.5 (or 0.0.0.0 for every interface, as {key} only)";
            else if (settings.Clustering != ClusteringKind.PostgreSql)
                yield return $"{section}:{key}: only used with Clustering=PostgreSql; localhost clustering binds 127.0.0.1";
            else if (!IPAddress.IsLoopback(address) && !settings.Tls.Configured)
                yield return $"{section}:{key}: '{value}' is not a loopback address, and without TLS the silo and gateway ports let anyone who " +
                             $"reaches them call every grain, so they bind to 127.0.0.1 only. Configure mutual TLS: make a CA (discovery certs ca --out DIR), " +
                             $"a certificate for this silo (discovery certs issue --ca DIR --name NAME --ip {value} --out DIR), and set " +
                             $"{section}:Tls:CertificateFile, {section}:Tls:KeyFile and {section}:Tls:CaFile (README: Transport security)";
            else if (key == "AdvertisedAddress" && address.Equals(IPAddress.Any))
                yield return $"{section}:AdvertisedAddress: 0.0.0.0 cannot be reached; publish this silo's own address (ListenAddress may be 0.0.0.0)";
        }
    }

    private static IPAddress? Parse(string? value) => value is not null && IPAddress.TryParse(value, out var a) ? a : null;
}
