using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using Discovery.Security;

namespace Discovery.Silo.Configuration;

/// <summary>
/// The <c>Discovery:Security</c> section: tokens, the cluster key, rates and quotas as operators write them.
/// </summary>
public sealed record SecuritySettings
{
    /// <summary>False: no token is asked (loopback only: refused with a non-loopback <c>Urls</c>).</summary>
    public bool Tokens { get; init; } = true;
    /// <summary>
    /// The cluster key file (base64, 32 random bytes; <c>discovery token key --out FILE</c>), the same on every silo. Unset:
    /// <c>~/.discovery/cluster.key</c> (or under <c>$DISCOVERY_HOME</c>), made at the first start: enough for silos of one
    /// machine; silos on several machines need this key copied to each (a warning says so).
    /// </summary>
    public string? KeyFile { get; init; }
    /// <summary>An OpenID Connect authority whose keys sign the tokens (its issuer), instead of the cluster key.</summary>
    public string? Authority { get; init; }
    /// <summary>The issuer of self-issued tokens.</summary>
    public string Issuer { get; init; } = TokenIssuer.DefaultIssuer;
    /// <summary>The audience every token must name.</summary>
    public string Audience { get; init; } = TokenIssuer.DefaultAudience;
    /// <summary>Whether operators may inject faults; unset: only with simulated hypervisors.</summary>
    public bool? AllowFaults { get; init; }
    /// <summary>Calls a tenant may make per <see cref="RateWindowSeconds"/>, per silo.</summary>
    [Range(1, 1_000_000)] public int RatePermits { get; init; } = 50;
    /// <summary>The window <see cref="RatePermits"/> refill over.</summary>
    [Range(0.001, 86_400.0)] public double RateWindowSeconds { get; init; } = 1;
    /// <summary>Calls a tenant may make at once.</summary>
    [Range(1, 1_000_000)] public int RateBurst { get; init; } = 100;
    /// <summary>What each tenant may hold (<c>Quotas:Default:Vms</c>, <c>Quotas:Tenants:alice:VCpus</c>, ...); unset: no limit.</summary>
    public QuotaSettings Quotas { get; init; } = new();
    /// <summary>Where a silo that made its own cluster key writes an operator token (default <c>~/.discovery/token</c>).</summary>
    public string? OperatorTokenFile { get; init; }

    /// <summary>The options the grains receive, with <paramref name="key"/>.</summary>
    public SecurityOptions ToOptions(byte[] key, bool simulated) => new()
    {
        RequireTokens = Tokens,
        ClusterKey = key,
        Authority = string.IsNullOrWhiteSpace(Authority) ? null : Authority,
        Issuer = Issuer,
        Audience = Audience,
        AllowFaults = AllowFaults ?? simulated,
        RatePermits = RatePermits,
        RateWindow = TimeSpan.FromSeconds(RateWindowSeconds),
        RateBurst = RateBurst,
        Quotas = new TenantQuotas
        {
            Default = Quotas.Default.ToQuota(),
            Tenants = Quotas.Tenants.ToImmutableDictionary(t => t.Key, t => t.Value.ToQuota()),
        },
    };
}

/// <summary>Quotas: <c>Default</c> and per tenant.</summary>
public sealed record QuotaSettings
{
    public QuotaValues Default { get; init; } = new();
    public Dictionary<string, QuotaValues> Tenants { get; init; } = [];
}

/// <summary>One quota; a value left unset is not limited.</summary>
public sealed record QuotaValues
{
    [Range(0, int.MaxValue)] public int? Ves { get; init; }
    [Range(0, int.MaxValue)] public int? Vms { get; init; }
    [Range(0, int.MaxValue)] public int? VCpus { get; init; }
    [Range(0, long.MaxValue)] public long? MemoryMiB { get; init; }

    public Quota ToQuota() => new(Ves, Vms, VCpus, MemoryMiB);
}
