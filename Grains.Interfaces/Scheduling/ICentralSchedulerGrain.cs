using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Discovery.Scheduling;

/// <summary>
/// A centralized scheduler (the Entropy baseline; one per site for the hierarchical, Snooze-like
/// baseline), key: its scope. Round after round, on a grain timer, it snapshots every node of its
/// scope, solves them all at once and applies the plan.
/// </summary>
[Alias("discovery.ICentralSchedulerGrain")]
public interface ICentralSchedulerGrain : IGrainWithStringKey
{
    /// <summary>Starts the rounds over <paramref name="nodes"/> with a solver time limit per round (no effect while running).</summary>
    [Alias("Run")]
    Task RunAsync(ImmutableArray<string> nodes, TimeSpan solverTimeLimit);

    /// <summary>No round starts after this call; the round under way, if any, finishes.</summary>
    [Alias("Stop"), AlwaysInterleave]
    Task StopAsync();

    /// <summary>True while rounds are scheduled or one is under way.</summary>
    [Alias("IsRunning"), AlwaysInterleave]
    Task<bool> IsRunningAsync();
}
