using System.ComponentModel.DataAnnotations;
using Discovery.Hypervisors.Simulated;

namespace Discovery.Silo.Configuration;

/// <summary>
/// Everything a silo reads from configuration (section <c>Discovery</c>: appsettings.json,
/// environment variables such as <c>Discovery__Simulated__Nodes=64</c>, or the command line
/// <c>--Discovery:Simulated:Nodes=64</c>). Bound and checked by <see cref="DiscoveryConfiguration"/>;
/// <see cref="ConfigurationValuesValidator{TOptions}"/> reports values of the wrong type or range
/// (the <see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/>s), <see cref="DiscoveryOptionsValidator"/>
/// the rules between keys.
/// </summary>
public sealed record DiscoveryOptions
{
    public const string Section = "Discovery";

    public string Site { get; init; } = "local";
    public string Urls { get; init; } = "http://127.0.0.1:8080";
    public string ClusterId { get; init; } = "discovery";
    public string ServiceId { get; init; } = "discovery";
    public ClusteringKind Clustering { get; init; } = ClusteringKind.Localhost;
    public StorageKind Storage { get; init; } = StorageKind.Memory;
    private readonly string? _connectionString;

    /// <summary>The Npgsql connection string; unset, the content of <see cref="ConnectionStringFile"/> (a secret file, e.g. a systemd credential).</summary>
    public string? ConnectionString
    {
        get => _connectionString ?? ReadSecret(ConnectionStringFile);
        init => _connectionString = value;
    }

    /// <summary>A file holding <see cref="ConnectionString"/>, so that no password is needed on a command line or in appsettings.json.</summary>
    public string? ConnectionStringFile { get; init; }

    private readonly string? _schemaConnectionString;

    /// <summary>
    /// The connection string that applies the schema scripts at start (a role that may create tables); unset, <see cref="ConnectionString"/>.
    /// With it, the runtime role of <see cref="ConnectionString"/> needs only to read and write rows.
    /// </summary>
    public string? SchemaConnectionString
    {
        get => _schemaConnectionString ?? ReadSecret(SchemaConnectionStringFile);
        init => _schemaConnectionString = value;
    }

    /// <summary>A file holding <see cref="SchemaConnectionString"/>.</summary>
    public string? SchemaConnectionStringFile { get; init; }

    private static string? ReadSecret(string? file) => file is not null && File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    [Range(1, 65535)] public int SiloPort { get; init; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; init; } = 30000;
    /// <summary>
    /// The IP address this silo publishes in the membership table (Clustering=PostgreSql); 127.0.0.1 by default.
    /// Anything but a loopback address needs <see cref="Tls"/>.
    /// </summary>
    public string? AdvertisedAddress { get; init; }
    /// <summary>The IP address the silo and gateway ports bind to (0.0.0.0: every interface); <see cref="AdvertisedAddress"/> by default.</summary>
    public string? ListenAddress { get; init; }
    /// <summary>Mutual TLS on the silo and gateway ports.</summary>
    public TlsSettings Tls { get; init; } = new();
    public HypervisorKind Hypervisor { get; init; } = HypervisorKind.Simulated;
    /// <summary>The simulated infrastructure, for <see cref="HypervisorKind.Simulated"/>.</summary>
    public SimulatedInfrastructure Simulated { get; init; } = new();
    /// <summary>Libvirt URI per node name, for <see cref="HypervisorKind.Libvirt"/>.</summary>
    [ConfigurationKeyName("Libvirt:Nodes")]
    public IReadOnlyDictionary<string, string> LibvirtNodes { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// Per node, the URI other nodes' daemons connect to, peer to peer, to migrate a VM to it (e.g.
    /// <c>qemu+tls://pm-1/system</c>); a node of this silo not listed publishes its connection URI. Nodes of other
    /// silos are listed too: a migration goes to a remote node only when the URI it publishes is the one listed here.
    /// </summary>
    [ConfigurationKeyName("Libvirt:MigrationUris")]
    public IReadOnlyDictionary<string, string> LibvirtMigrationUris { get; init; } = new Dictionary<string, string>();
    /// <summary>Live migrations between libvirt daemons over TLS (<c>VIR_MIGRATE_TLS</c>; the daemons need their migration certificates).</summary>
    [ConfigurationKeyName("Libvirt:MigrateTls")]
    public bool LibvirtMigrateTls { get; init; }
    /// <summary>Domain type written into VM definitions: kvm (the default), qemu (software emulation), or test (test:// URIs take it by default).</summary>
    [ConfigurationKeyName("Libvirt:DomainType")]
    public string? LibvirtDomainType { get; init; }
    /// <summary>The directory of the <c>discovery</c> storage pool on each node's host (bases, kernels, initrds, overlays); null: /var/lib/libvirt/images/discovery.</summary>
    [ConfigurationKeyName("Libvirt:ImagePool")]
    public string? LibvirtImagePool { get; init; }
    /// <summary>Tokens, the cluster key, rates and quotas.</summary>
    public SecuritySettings Security { get; init; } = new();
    /// <summary>The image layer: the PoPs' chunk stores, the links images cross, the simulated images.</summary>
    public ImageSettings Images { get; init; } = new();
    /// <summary>The largest HTTP request body the silo reads, in bytes (1 MiB); a larger one gets 413.</summary>
    [Range(1024, int.MaxValue)] public int MaxRequestBodyBytes { get; init; } = Operations.WebHardening.DefaultMaxRequestBodyBytes;
    /// <summary>The event hub's limits: watchers at once (<c>Events:MaxWatchers</c>, 1,000).</summary>
    public Discovery.Environments.EventHubLimits Events { get; init; } = new();
    /// <summary>Distributed scheduling (DVMS) timings and switches, as configured (seconds).</summary>
    public SchedulingSettings Scheduling { get; init; } = new();

    /// <summary>The nodes this silo drives.</summary>
    public IEnumerable<string> NodeNames() => Hypervisor != HypervisorKind.Simulated ? LibvirtNodes.Keys
        : Simulated.Infrastructure is not null ? Simulated.SliceOf(Simulated.NodesFromFile()).Select(n => n.Name)
        : Enumerable.Range(0, Simulated.Nodes).Where(Simulated.InSlice).Select(Simulated.NodeName);
}
