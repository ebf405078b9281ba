namespace Discovery.Security;

/// <summary>What one tenant (key: its name) holds, against its quota. Internal: called by VE grains, never by clients.</summary>
[Alias("discovery.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Claims <paramref name="usage"/> for VE <paramref name="ve"/> (replacing what it held): null when the tenant's quota
    /// allows it, else the refusal naming the quota.
    /// </summary>
    [Alias("Claim")]
    Task<string?> ClaimAsync(string ve, TenantUsage usage);

    /// <summary>VE <paramref name="ve"/> was deleted: what it held is free.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string ve);

    /// <summary>What the tenant holds now, over all its VEs.</summary>
    [Alias("Usage")]
    Task<TenantUsage> UsageAsync();
}

/// <summary>What a VE (or a tenant, summed) holds.</summary>
[GenerateSerializer, Immutable, Alias("discovery.tenant-usage")]
public sealed record TenantUsage([property: Id(0)] int Ves, [property: Id(1)] int Vms, [property: Id(2)] long VCpus, [property: Id(3)] long MemoryMiB)
{
    /// <summary>Nothing.</summary>
    public static TenantUsage None { get; } = new(0, 0, 0, 0);

    /// <summary>What a VE of these VMs holds.</summary>
    public static TenantUsage Of(Model.VeSpec spec) =>
        new(1, spec.Vms.Length, spec.Vms.Sum(v => (long)v.VCpus), spec.Vms.Sum(v => (long)v.MemoryMiB));

    /// <summary>Both together.</summary>
    public TenantUsage Plus(TenantUsage other) => new(Ves + other.Ves, Vms + other.Vms, VCpus + other.VCpus, MemoryMiB + other.MemoryMiB);
}
