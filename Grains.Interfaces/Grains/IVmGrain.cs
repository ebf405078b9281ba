using Orleans.Concurrency;

namespace Discovery.Grains;

/// <summary>One VM (key: VM id): where it runs, as the schedulers last moved it.</summary>
[Alias("discovery.IVmGrain")]
public interface IVmGrain : IGrainWithStringKey
{
    /// <summary>The VM landed on <paramref name="host"/>.</summary>
    [Alias("Moved"), OneWay]
    Task MovedAsync(string host);

    /// <summary>The host it was last moved to (null: never moved by a scheduler).</summary>
    [Alias("GetHost")]
    Task<string?> GetHostAsync();
}
