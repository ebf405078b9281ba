namespace Discovery.Time;

/// <summary>
/// The clock of the managed infrastructure (DESIGN.md, "Time"): the wall clock in production, a
/// <see cref="ScaledTimeProvider"/> in accelerated simulations, a fake clock in tests. Grains
/// read time and measure durations through it; grain timers run on it too (the silo registers it
/// as Orleans' Grains time provider), while Orleans' own machinery stays on the wall clock.
/// </summary>
public sealed class InfrastructureClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Infrastructure time elapsed since <paramref name="timestamp"/> (from <see cref="Timestamp"/>).</summary>
    public TimeSpan Since(long timestamp) => Time.GetElapsedTime(timestamp);

    public long Timestamp() => Time.GetTimestamp();

    /// <summary>
    /// Wall time that <paramref name="infrastructure"/> time lasts: a solver's time limit is given in infrastructure
    /// time (the scheduler's computation counts speedup times in a simulation) but enforced on the wall clock.
    /// </summary>
    public TimeSpan ToWall(TimeSpan infrastructure) => Time is ScaledTimeProvider scaled ? scaled.ToWall(infrastructure) : infrastructure;
}
