namespace Discovery.Scheduling;

/// <summary>
/// Cluster-wide switch for node-triggered scheduling (key 0): a simulation stops new partitions at
/// the end of a run and lets the running ones finish; an operator may pause scheduling. Nodes ask it
/// only when they detect an event, so it is off the monitoring hot path.
/// </summary>
[Alias("discovery.ISchedulingControlGrain")]
public interface ISchedulingControlGrain : IGrainWithIntegerKey
{
    /// <summary>Nodes stop starting partitions (running ones finish).</summary>
    [Alias("Pause")]
    Task PauseAsync();

    /// <summary>Nodes start partitions again.</summary>
    [Alias("Resume")]
    Task ResumeAsync();

    /// <summary>True while paused.</summary>
    [Alias("IsPaused")]
    Task<bool> IsPausedAsync();
}
