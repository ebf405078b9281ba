namespace Discovery.Client;

/// <summary>Where a <see cref="DiscoveryClient"/> finds the cluster.</summary>
public sealed record DiscoveryClientOptions
{
    /// <summary>Gateway port of a localhost silo (the embedded default: 30000). Used when <see cref="PostgreSqlConnectionString"/> is null.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// Static gateways (<c>host:port</c>, e.g. <c>paris-1:30000</c>), tried in turn; used when not empty and
    /// <see cref="PostgreSqlConnectionString"/> is null, instead of <see cref="GatewayPort"/>.
    /// </summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>Connection string of the cluster's PostgreSQL membership table; null for a localhost silo.</summary>
    public string? PostgreSqlConnectionString { get; init; }

    /// <summary>Orleans cluster id, as configured on the silos.</summary>
    public string ClusterId { get; init; } = "discovery";

    /// <summary>How long <see cref="DiscoveryClient.ConnectAsync"/> waits for a silo before giving up (10 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The bearer token (JWT) every call carries. Null: <c>$DISCOVERY_TOKEN</c>, else the file the embedded default writes
    /// at its first start (<c>~/.discovery/token</c>, or under <c>$DISCOVERY_HOME</c>); empty: none at all. A cluster without
    /// tokens needs none.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Orleans service id, as configured on the silos.</summary>
    public string ServiceId { get; init; } = "discovery";

    /// <summary>
    /// This client's certificate for a cluster whose silos require TLS (PEM, its key in <see cref="TlsKeyFile"/> or the
    /// same file; or a PKCS#12 .pfx without a password), issued by the cluster's CA (<c>discovery certs issue</c>). Null: plain TCP,
    /// which only a silo without TLS accepts. Needs <see cref="TlsCaFile"/>.
    /// </summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>The private key of <see cref="TlsCertificateFile"/> (PEM); null when that file holds it.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>The cluster's CA certificate (PEM): a silo whose certificate does not chain to it is refused.</summary>
    public string? TlsCaFile { get; init; }
}
