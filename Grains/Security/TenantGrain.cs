using Discovery.Environments;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Security;

/// <summary>What a tenant's VEs hold, persisted beside them, judged against <see cref="SecurityOptions.Quotas"/> (no limit when the silo runs without security).</summary>
public sealed class TenantGrain(
    [PersistentState("tenant", VeGrain.StorageName)] IPersistentState<TenantState> state,
    IServiceProvider services) : Grain, ITenantGrain
{
    private Quota Quota => services.GetService<SecurityOptions>()?.Quotas.For(this.GetPrimaryKeyString()) ?? Quota.Unlimited;

    public async Task<string?> ClaimAsync(string ve, TenantUsage usage)
    {
        var held = Held(except: ve);
        if (QuotaCheck.Refusal(this.GetPrimaryKeyString(), Quota, held, usage) is { } refusal) return refusal;
        state.State.Ves[ve] = usage;
        await state.WriteStateAsync();
        return null;
    }

    public async Task ReleaseAsync(string ve)
    {
        if (state.State.Ves.Remove(ve)) await state.WriteStateAsync();
    }

    public Task<TenantUsage> UsageAsync() => Task.FromResult(Held(except: null));

    private TenantUsage Held(string? except) =>
        state.State.Ves.Where(v => v.Key != except).Aggregate(TenantUsage.None, (sum, v) => sum.Plus(v.Value));
}

/// <summary>The persisted usage of a tenant, per VE key.</summary>
[GenerateSerializer, Alias("discovery.tenant-state")]
public sealed class TenantState
{
    [Id(0)] public Dictionary<string, TenantUsage> Ves { get; set; } = [];
}
