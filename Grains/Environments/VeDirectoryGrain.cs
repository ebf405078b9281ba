using System.Collections.Immutable;
using Discovery.Storage;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>
/// Every VE and its state (one activation for the cluster); wakes the pending ones when room appears.
/// Persisted (written behind), so that a stopped or suspended VE, which never reactivates on its own,
/// is still listed after the silo holding the directory died.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class VeDirectoryGrain(
    [PersistentState("ve-directory", VeGrain.StorageName)] IPersistentState<VeDirectoryState> state,
    ILogger<VeDirectoryGrain> logger) : Grain, IVeDirectoryGrain
{
    private readonly WriteBehind<VeDirectoryState> _writes = new(state);

    private Dictionary<string, VeState> Ves => state.State.Ves;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes.Start(this);
        return base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);

    public Task UpdateAsync(string ve, VeState state)
    {
        var changed = state == VeState.Deleted ? Ves.Remove(ve) : !Ves.TryGetValue(ve, out var known) || known != state;
        if (state != VeState.Deleted) Ves[ve] = state;
        if (changed) _writes.Changed();
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<VeSummary>> ListAsync(string? tenant = null)
    {
        // A tenant lists its own VEs, whatever it asks for.
        if (Security.CallerContext.Current is { Role: Security.Role.Tenant } caller)
        {
            if (tenant is not null && tenant != caller.Tenant) return Task.FromResult(ImmutableArray<VeSummary>.Empty);
            tenant = caller.Tenant;
        }
        return Task.FromResult(Ves.Where(v => tenant is null || v.Key.StartsWith(tenant + "/", StringComparison.Ordinal))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new VeSummary(v.Key, v.Value)).ToImmutableArray());
    }

    public Task NodeDownAsync(string node)
    {
        foreach (var ve in Ves.Keys.Order(StringComparer.Ordinal)) GrainFactory.GetGrain<IVeGrain>(ve).NodeDownAsync(node);
        return Task.CompletedTask;
    }

    public Task RoomAppearedAsync(string why)
    {
        var pending = Ves.Where(v => v.Value == VeState.Pending).Select(v => v.Key).Order(StringComparer.Ordinal).ToList();
        if (pending.Count > 0) logger.LogInformation("{Why}: {Count} pending VE(s) try again", why, pending.Count);
        foreach (var ve in pending) GrainFactory.GetGrain<IVeGrain>(ve).RetryPlacementAsync();
        return Task.CompletedTask;
    }
}

/// <summary>The VE directory's persisted state: each VE's key and state.</summary>
[GenerateSerializer, Alias("discovery.ve-directory.state")]
public sealed class VeDirectoryState
{
    [Id(0)] public Dictionary<string, VeState> Ves { get; set; } = new(StringComparer.Ordinal);
}
