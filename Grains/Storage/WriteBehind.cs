namespace Discovery.Storage;

/// <summary>
/// Coalesces the writes of a grain's persisted state: many changes within one period cost one write
/// (a directory updated by thousands of VEs would otherwise write once per update). Writes run on a
/// non-interleaving grain timer, so the state is never serialized while a call changes it; the grain
/// flushes on deactivation. A silo that dies loses at most one period of changes: nodes repeat theirs
/// (they rejoin every minute, mark themselves down again), VEs theirs at their next change of state or
/// when they reconcile after a reactivation; until then the VE list may show a state one second old.
/// </summary>
public sealed class WriteBehind<T>(IPersistentState<T> state)
{
    /// <summary>How often pending changes are written.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private bool _dirty;

    /// <summary>Starts the periodic flush on <paramref name="grain"/>'s timer.</summary>
    public void Start(IGrainBase grain) =>
        grain.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions { DueTime = Period, Period = Period });

    /// <summary>The state changed: it is written within one period.</summary>
    public void Changed() => _dirty = true;

    /// <summary>Writes the state if it changed since the last write.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true; // written at the next period
            throw;
        }
    }
}
