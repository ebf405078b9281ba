using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Discovery.Grains;

/// <summary>
/// A centralized scheduler (the Entropy baseline; one per site for the hierarchical, Snooze-like
/// baseline), key: its scope. In a loop it snapshots every node of its scope, solves them all at
/// once, applies the plan and starts over.
/// </summary>
[Alias("discovery.ICentralSchedulerGrain")]
public interface ICentralSchedulerGrain : IGrainWithStringKey
{
    /// <summary>Starts the loop over <paramref name="nodes"/> with a solver time limit per round.</summary>
    [Alias("Run"), OneWay]
    Task RunAsync(ImmutableArray<string> nodes, TimeSpan solverTimeLimit);

    /// <summary>Ends the loop after the current round.</summary>
    [Alias("Stop"), AlwaysInterleave]
    Task StopAsync();

    /// <summary>True while a round is under way or the loop waits for the next one.</summary>
    [Alias("IsRunning"), AlwaysInterleave]
    Task<bool> IsRunningAsync();
}
