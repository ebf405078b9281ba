using System.Diagnostics;
using Discovery.Solving;
using Microsoft.Extensions.Time.Testing;

namespace Discovery.Tests.Support;

/// <summary>
/// Drives a test cluster's infrastructure clock by hand: a <see cref="FakeTimeProvider"/> that only moves when a test
/// advances it, in steps, letting the grain turns each step wakes run before the next. Phases end on a barrier
/// (<see cref="AdvanceUntilAsync"/>): advance until a condition holds, failing after a bounded amount of
/// infrastructure time, so a scenario takes as long as its grains compute, not as long as its timers last.
/// </summary>
/// <remarks>
/// The silo must run <see cref="AddTo"/>'s filter and use <see cref="Time"/> as the infrastructure clock (grain timers,
/// the simulated hypervisors); Orleans' own machinery stays on the wall clock (GrainsSetup keys only the grains' area),
/// which is what keeps <see cref="FakeTimeProvider.Advance"/> from running the silo's maintenance loops inline.
/// </remarks>
public sealed class FakeClockDriver
{
    /// <summary>Where infrastructure time starts.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// One step: a tenth of the shortest default period (monitoring 1 s, lease renewal 500 ms), so no timer fires
    /// more than a step late and no two ticks of one timer fall in one step.
    /// </summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    /// <summary>Wall time a step may take to settle before the driver calls the cluster hung (a guard, never waited out on success).</summary>
    public static readonly TimeSpan SettleGuard = TimeSpan.FromSeconds(60);

    private int _solves;

    /// <summary>The infrastructure clock.</summary>
    public FakeTimeProvider Time { get; } = new(Origin);

    /// <summary>Infrastructure time since <see cref="Origin"/>.</summary>
    public TimeSpan Elapsed => Time.GetUtcNow() - Origin;

    /// <summary>
    /// Counts the solves in flight. A solve takes wall time on the solver threads without queueing work on the
    /// pool; infrastructure time must not run on meanwhile, or a plan would seem to take as long as the steps made.
    /// </summary>
    public void AddTo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(async context =>
    {
        if (context.Grain is not SolverGrain)
        {
            await context.Invoke();
            return;
        }
        Interlocked.Increment(ref _solves);
        try { await context.Invoke(); }
        finally { Interlocked.Decrement(ref _solves); }
    });

    /// <summary>
    /// Waits until nothing is runnable: no solve in flight and no work queued on the thread pool, three checks in a
    /// row (what is left waits on this clock). Yields a millisecond between checks to let the pool's threads run.
    /// </summary>
    public async Task SettleAsync()
    {
        var guard = Stopwatch.StartNew();
        for (var quiet = 0; quiet < 3;)
        {
            await Task.Delay(1);
            quiet = Volatile.Read(ref _solves) == 0 && ThreadPool.PendingWorkItemCount == 0 ? quiet + 1 : 0;
            if (guard.Elapsed > SettleGuard)
                throw new TimeoutException($"the cluster did not settle within {SettleGuard.TotalSeconds} s of wall time at infrastructure time +{Elapsed}: " +
                    $"{Volatile.Read(ref _solves)} solve(s) in flight, {ThreadPool.PendingWorkItemCount} work item(s) queued");
        }
    }

    /// <summary>Runs infrastructure time on by <paramref name="duration"/>, step by step, settling after each step.</summary>
    public async Task AdvanceAsync(TimeSpan duration)
    {
        await SettleAsync();
        for (var left = duration; left > TimeSpan.Zero; left -= Step)
        {
            Time.Advance(left < Step ? left : Step);
            await SettleAsync();
        }
    }

    /// <summary>
    /// The phase barrier: settles, then advances a step at a time until <paramref name="condition"/> holds; fails with
    /// <paramref name="what"/> (and <paramref name="context"/>, if given) once <paramref name="within"/> of infrastructure
    /// time has passed without it. Returns the infrastructure time it took.
    /// </summary>
    public async Task<TimeSpan> AdvanceUntilAsync(Func<Task<bool>> condition, string what, TimeSpan within, Func<string>? context = null)
    {
        var start = Time.GetUtcNow();
        await SettleAsync();
        while (!await condition())
        {
            var spent = Time.GetUtcNow() - start;
            if (spent >= within)
                throw new TimeoutException($"not reached within {within.TotalSeconds} s of infrastructure time: {what}" +
                    (context is null ? "" : $".{Environment.NewLine}{context()}"));
            Time.Advance(Step);
            await SettleAsync();
        }
        return Time.GetUtcNow() - start;
    }
}
