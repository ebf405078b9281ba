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
}
