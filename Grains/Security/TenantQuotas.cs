using System.Collections.Immutable;

namespace Discovery.Security;

/// <summary>What a tenant may hold at once, over all its VEs (null: no limit).</summary>
[GenerateSerializer, Immutable, Alias("discovery.quota")]
public sealed record Quota(
    [property: Id(0)] int? Ves = null,
    [property: Id(1)] int? Vms = null,
    [property: Id(2)] int? VCpus = null,
    [property: Id(3)] long? MemoryMiB = null)
{
    /// <summary>No limit at all.</summary>
    public static Quota Unlimited { get; } = new();
}

/// <summary>The quota of every tenant, and exceptions per tenant.</summary>
public sealed record TenantQuotas
{
    /// <summary>Of a tenant without its own line.</summary>
    public Quota Default { get; init; } = Quota.Unlimited;

    /// <summary>Per tenant name.</summary>
    public ImmutableDictionary<string, Quota> Tenants { get; init; } = ImmutableDictionary<string, Quota>.Empty;

    /// <summary>The quota of <paramref name="tenant"/>.</summary>
    public Quota For(string tenant) => Tenants.TryGetValue(tenant, out var q) ? q : Default;
}
