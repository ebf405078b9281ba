using System.Runtime.InteropServices;

namespace Discovery.Diagnostics;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>; zero elsewhere), to charge a
/// synchronous piece of work (a monitoring pass, a solve) with the CPU it used rather than the wall
/// time it took on a busy machine.
/// </summary>
public static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static readonly bool Supported = OperatingSystem.IsLinux() && Probe();

    private static bool Probe()
    {
        try { return ClockGetTime(ClockThreadCpuTimeId, out _) == 0; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>This thread's CPU time so far, in ticks of 100 ns.</summary>
    public static long NowTicks()
    {
        if (!Supported || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) return 0;
        return t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100;
    }

    /// <summary>Runs <paramref name="work"/> and adds the CPU time it used on this thread to <paramref name="account"/>.</summary>
    public static T Measure<T>(Func<T> work, ref long account)
    {
        var start = NowTicks();
        try { return work(); }
        finally { Interlocked.Add(ref account, NowTicks() - start); }
    }
}

/// <summary>
/// CPU time this process spent monitoring (the monitoring pass and node grains' observations) and
/// solving (the placement solver), for <c>discovery simulate</c>'s report. One per silo process.
/// </summary>
public sealed class CpuAccount
{
    private long _monitoringTicks;
    private long _solverTicks;

    /// <summary>CPU time spent reading nodes and deciding events.</summary>
    public TimeSpan Monitoring => TimeSpan.FromTicks(Interlocked.Read(ref _monitoringTicks));

    /// <summary>CPU time spent in the placement solver.</summary>
    public TimeSpan Solver => TimeSpan.FromTicks(Interlocked.Read(ref _solverTicks));

    /// <summary>Charges monitoring with <paramref name="ticks"/> of thread CPU time.</summary>
    public void AddMonitoring(long ticks) { if (ticks > 0) Interlocked.Add(ref _monitoringTicks, ticks); }

    /// <summary>Runs a solve and charges its CPU time.</summary>
    public T Solve<T>(Func<T> solve) => ThreadCpu.Measure(solve, ref _solverTicks);
}
