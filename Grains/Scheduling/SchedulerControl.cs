namespace Discovery.Scheduling;

/// <summary>
/// A runtime switch for node-triggered scheduling, so that a simulation can stop new partitions at
/// the end of a run and let the running ones finish before counting what is left.
/// </summary>
public sealed class SchedulerControl
{
    private volatile bool _paused;

    /// <summary>True while nodes must not start partitions.</summary>
    public bool Paused => _paused;

    public void Pause() => _paused = true;

    public void Resume() => _paused = false;
}
