using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Discovery.Cli.Simulation;

/// <summary>
/// Grain storage that the silos of one process share, outside all of them: in a one-process run with several silos it
/// plays the role PostgreSQL plays in production, so that killing a silo loses nothing that was stored (Orleans'
/// memory storage keeps state in grains, which die with their silo). Every read and write copies the state: no two
/// activations ever share an object. Writes check the ETag, as a database provider does.
/// </summary>
internal sealed class SharedGrainStorage(SharedGrainStorage.Store records, DeepCopier copier) : IGrainStorage
{
    /// <summary>What the silos of one run share: each record's state and ETag, by state name and grain.</summary>
    public sealed class Store : ConcurrentDictionary<(string, GrainId), (object? State, string ETag)>;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = copier.Copy((T)record.State!);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        var copy = (object?)copier.Copy(grainState.State);
        records.AddOrUpdate(key,
            _ => grainState.ETag is null ? (copy, etag) : throw Inconsistent(grainState.ETag, null),
            (_, stored) => stored.ETag == grainState.ETag ? (copy, etag) : throw Inconsistent(grainState.ETag, stored.ETag));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        records.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static InconsistentStateException Inconsistent(string? given, string? stored) =>
        new($"ETag mismatch: the grain wrote with '{given}', the store holds '{stored}'", stored ?? "", given ?? "");
}
