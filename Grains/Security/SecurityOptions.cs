namespace Discovery.Security;

/// <summary>
/// How a silo checks the calls it receives from clients: tokens (who), roles and tenants (what), the internal-call mark
/// (which calls are the cluster's own), rates and quotas. Built by the silo host from its configuration.
/// </summary>
public sealed record SecurityOptions
{
    /// <summary>False: no token is asked and every call passes (loopback experiments only; the host refuses it otherwise).</summary>
    public bool RequireTokens { get; init; } = true;

    /// <summary>The secret every silo of the cluster shares: signs self-issued tokens and marks internal calls.</summary>
    public required byte[] ClusterKey { get; init; }

    /// <summary>The <c>iss</c> tokens must carry.</summary>
    public string Issuer { get; init; } = TokenIssuer.DefaultIssuer;

    /// <summary>The <c>aud</c> tokens must carry.</summary>
    public string Audience { get; init; } = TokenIssuer.DefaultAudience;

    /// <summary>An OpenID Connect authority whose published keys sign the tokens, instead of <see cref="ClusterKey"/>.</summary>
    public string? Authority { get; init; }

    /// <summary>Whether operators may inject faults (simulated nodes).</summary>
    public bool AllowFaults { get; init; } = true;

    /// <summary>Calls a tenant may make per <see cref="RateWindow"/>, on each silo.</summary>
    public int RatePermits { get; init; } = 50;

    /// <summary>The window <see cref="RatePermits"/> refill over.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls a tenant may make at once before the rate applies.</summary>
    public int RateBurst { get; init; } = 100;

    /// <summary>What each tenant may hold.</summary>
    public TenantQuotas Quotas { get; init; } = new();
}
