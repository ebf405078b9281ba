namespace Discovery.Scheduling.Protocol;

/// <summary>
/// A partition's lease renewals as plain logic: a renewal later than <see cref="LateAfter"/> after the previous one
/// (more than half a lease late) means the machine does not keep up, and growing then would only add nodes whose
/// leases it could not keep. After a late renewal growth waits (at most two renewal periods) for one on time; when
/// none comes, this growth is refused (a later one on time lets it grow again). A plan being applied is not torn down for it.
/// </summary>
public sealed class RenewalPacing
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _period;
    private DateTimeOffset _lastRenewal;
    private TaskCompletionSource? _timelyRenewal; // growth waiting for a renewal on time

    /// <summary>Starts pacing now, as if the leases had just been renewed.</summary>
    /// <param name="time">The infrastructure clock's time.</param>
    /// <param name="period">The renewal period (<see cref="DvmsOptions.LeaseRenewalPeriod"/>).</param>
    /// <param name="timeout">The lease timeout (<see cref="DvmsOptions.LeaseTimeout"/>).</param>
    public RenewalPacing(TimeProvider time, TimeSpan period, TimeSpan timeout)
    {
        _time = time;
        _period = period;
        LateAfter = period + (timeout - period) / 2;
        _lastRenewal = time.GetUtcNow();
    }

    /// <summary>A renewal comes late when more than this has passed since the previous one: the period plus half the lease's slack.</summary>
    public TimeSpan LateAfter { get; }

    /// <summary>The last renewal came late: growth waits for one on time.</summary>
    public bool LastRenewalLate { get; private set; }

    /// <summary>A growth was refused because renewals kept coming late (the silo does not keep up): said when the partition gives up.</summary>
    public bool StoppedGrowing { get; private set; }

    /// <summary>A renewal starts now: whether it is late, and whether it is the first late one in a row (worth a log line).</summary>
    public RenewalTiming Renewing()
    {
        var now = _time.GetUtcNow();
        var sinceLast = now - _lastRenewal;
        var late = sinceLast > LateAfter;
        var timing = new RenewalTiming(late, late && !LastRenewalLate, sinceLast);
        LastRenewalLate = late;
        _lastRenewal = now;
        return timing;
    }

    /// <summary>The renewal's calls are done: one on time lets a waiting growth go on.</summary>
    public void Renewed(RenewalTiming timing)
    {
        if (!timing.Late) _timelyRenewal?.TrySetResult();
    }

    /// <summary>
    /// After a late renewal: waits (at most two renewal periods) for one on time. False when none came: this growth is refused
    /// (<see cref="StoppedGrowing"/>).
    /// </summary>
    public async Task<bool> WaitForTimelyRenewalAsync()
    {
        _timelyRenewal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource();
        await Task.WhenAny(_timelyRenewal.Task, Task.Delay(_period * 2, _time, timeout.Token));
        await timeout.CancelAsync();
        _timelyRenewal = null;
        if (LastRenewalLate) StoppedGrowing = true;
        return !LastRenewalLate;
    }
}

/// <summary>How a renewal came: <paramref name="Late"/> past <see cref="RenewalPacing.LateAfter"/>, <paramref name="NewlyLate"/> when the previous one was on time, <paramref name="SinceLast"/> since the previous one.</summary>
public readonly record struct RenewalTiming(bool Late, bool NewlyLate, TimeSpan SinceLast);
