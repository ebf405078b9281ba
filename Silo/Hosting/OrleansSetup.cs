using System.Net;
using Discovery.Client;
using Discovery.Hosting;
using Discovery.Silo.Configuration;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Discovery.Silo.Hosting;

/// <summary>Clustering, storage and dashboard of one silo, from its settings.</summary>
internal static class OrleansSetup
{
    /// <summary>Name of the grain storage provider every persistent grain uses.</summary>
    public const string StorageName = "discovery";

    public static void Configure(ISiloBuilder silo, DiscoveryOptions settings, TimeProvider infrastructure)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.Clustering == ClusteringKind.Localhost)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
        }
        else
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
            // Loopback unless configured otherwise, which the validator allows only with TLS.
            var (advertised, listening) = (SiloEndpoints.Advertised(settings), SiloEndpoints.Listening(settings));
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = advertised;
                o.SiloPort = settings.SiloPort;
                o.GatewayPort = settings.GatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(listening, settings.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(listening, settings.GatewayPort);
            });
        }
        if (settings.Tls.Configured)
        {
            // The validator has read these files already: a failure here is a file changed since.
            var certificates = ClusterCertificates.Load(settings.Tls.CertificateFile!, settings.Tls.KeyFile, settings.Tls.CaFile!);
            silo.UseTls(certificates.Apply);
        }

        AddStorage(silo, settings);

        // Node grains are placed on the silo that drives their hypervisor (HomeSiloPlacement).
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            ["site"] = settings.Site,
            [HomeSiloPlacement.MetadataKey] = HomeSiloPlacement.Describe(settings.NodeNames()),
        });
        silo.AddDashboard();
        silo.Services.AddSingleton(settings.Events);
        silo.AddDiscoveryGrains(infrastructure, settings.Scheduling.ToDvmsOptions());
    }

    /// <summary>
    /// The <see cref="StorageName"/> grain storage: in memory, or Orleans' ADO.NET provider on PostgreSQL
    /// (tables and queries from <see cref="PostgreSqlSchema.PersistenceScript"/>, applied at start).
    /// </summary>
    public static void AddStorage(ISiloBuilder silo, DiscoveryOptions settings)
    {
        if (settings.Storage == StorageKind.Memory)
            silo.AddMemoryGrainStorage(StorageName);
        else
            silo.AddAdoNetGrainStorage(StorageName, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = settings.ConnectionString;
            });
    }
}
