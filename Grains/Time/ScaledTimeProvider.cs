namespace Discovery.Time;

/// <summary>
/// Infrastructure time running <see cref="Speedup"/> times faster than the wall clock: every
/// timer's due time and period are divided by the speedup, and every elapsed time read from it
/// is multiplied by it. The scheduler's own computation time is therefore counted k times,
/// which is pessimistic for the scheduler, never flattering (DESIGN.md, "Time").
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider _wall;
    private readonly long _wallStart;
    private readonly DateTimeOffset _origin;

    /// <summary>Starts infrastructure time at <paramref name="origin"/> (default: the wall clock's now).</summary>
    public ScaledTimeProvider(double speedup, TimeProvider? wall = null, DateTimeOffset? origin = null)
    {
        if (!(speedup >= 1) || double.IsInfinity(speedup))
            throw new ArgumentOutOfRangeException(nameof(speedup), speedup, "speedup must be a finite number >= 1");
        Speedup = speedup;
        _wall = wall ?? System;
        _wallStart = _wall.GetTimestamp();
        _origin = origin ?? _wall.GetUtcNow();
    }

    /// <summary>How many infrastructure seconds pass per wall second.</summary>
    public double Speedup { get; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _origin + _wall.GetElapsedTime(_wallStart) * Speedup;

    /// <inheritdoc />
    public override long TimestampFrequency => _wall.TimestampFrequency;

    /// <inheritdoc />
    public override long GetTimestamp() => _wallStart + (long)((_wall.GetTimestamp() - _wallStart) * Speedup);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(_wall.CreateTimer(callback, state, ToWall(dueTime), ToWall(period)), this);

    /// <summary>Wall time that corresponds to <paramref name="infrastructure"/> time.</summary>
    public TimeSpan ToWall(TimeSpan infrastructure) =>
        infrastructure == Timeout.InfiniteTimeSpan || infrastructure <= TimeSpan.Zero ? infrastructure : infrastructure / Speedup;

    private sealed class ScaledTimer(ITimer inner, ScaledTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(owner.ToWall(dueTime), owner.ToWall(period));
        public void Dispose() => inner.Dispose();
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
