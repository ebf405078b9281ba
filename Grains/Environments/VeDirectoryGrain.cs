using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Discovery.Environments;

/// <summary>Every VE and its state (one activation for the cluster); wakes the pending ones when room appears.</summary>
[CollectionAgeLimit(AlwaysActive = true)] // cluster-wide, in memory: never collected when idle
public sealed class VeDirectoryGrain(ILogger<VeDirectoryGrain> logger) : Grain, IVeDirectoryGrain
{
    private readonly SortedDictionary<string, VeState> _ves = new(StringComparer.Ordinal);

    public Task UpdateAsync(string ve, VeState state)
    {
        if (state == VeState.Deleted) _ves.Remove(ve);
        else _ves[ve] = state;
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<VeSummary>> ListAsync(string? tenant = null) =>
        Task.FromResult(_ves.Where(v => tenant is null || v.Key.StartsWith(tenant + "/", StringComparison.Ordinal))
            .Select(v => new VeSummary(v.Key, v.Value)).ToImmutableArray());

    public Task RoomAppearedAsync(string why)
    {
        var pending = _ves.Where(v => v.Value == VeState.Pending).Select(v => v.Key).ToList();
        if (pending.Count > 0) logger.LogInformation("{Why}: {Count} pending VE(s) try again", why, pending.Count);
        foreach (var ve in pending) GrainFactory.GetGrain<IVeGrain>(ve).RetryPlacementAsync();
        return Task.CompletedTask;
    }
}
