namespace Discovery.Environments;

/// <summary>
/// Crash-loop protection for one VM (pure logic): a crashed VM is restarted after a back-off that
/// doubles with each crash inside the window (1 s, 2 s, 4 s, ...); the <see cref="MaxCrashes"/>-th
/// crash inside the window fails it instead.
/// </summary>
public static class CrashLoopGuard
{
    /// <summary>Crashes within <see cref="Window"/> that fail the VM.</summary>
    public const int MaxCrashes = 3;

    /// <summary>The window crashes are counted in.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Records a crash at <paramref name="at"/> in <paramref name="crashes"/> (older ones drop out) and says what to do.</summary>
    public static (bool Fail, TimeSpan Backoff) OnCrash(List<DateTimeOffset> crashes, DateTimeOffset at)
    {
        crashes.RemoveAll(c => at - c > Window);
        crashes.Add(at);
        if (crashes.Count >= MaxCrashes) return (true, TimeSpan.Zero);
        return (false, TimeSpan.FromSeconds(Math.Pow(2, crashes.Count - 1)));
    }
}
