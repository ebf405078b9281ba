
namespace Discovery.Scheduling;

/// <summary>The cluster-wide pause switch of node-triggered scheduling (one activation).</summary>
[CollectionAgeLimit(AlwaysActive = true)] // cluster-wide, in memory: never collected when idle
public sealed class SchedulingControlGrain : Grain, ISchedulingControlGrain
{
    private bool _paused;

    public Task PauseAsync()
    {
        _paused = true;
        return Task.CompletedTask;
    }

    public Task ResumeAsync()
    {
        _paused = false;
        return Task.CompletedTask;
    }

    public Task<bool> IsPausedAsync() => Task.FromResult(_paused);
}
