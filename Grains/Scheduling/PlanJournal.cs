using System.Collections.Concurrent;

namespace Discovery.Scheduling;

/// <summary>
/// What the schedulers of this silo did: every plan applied and every partition's report. The
/// simulator reads its figures from here and tests assert on it (no VM in two plans at once,
/// every plan valid for the independent checker). Bounded: the oldest entries go first.
/// </summary>
public sealed class PlanJournal(int capacity = 100_000)
{
    private readonly ConcurrentQueue<AppliedPlan> _plans = new();
    private readonly ConcurrentQueue<PartitionReport> _reports = new();
    private readonly ConcurrentQueue<double> _solveMs = new();

    /// <summary>Records one solver call's duration (infrastructure time).</summary>
    public void RecordSolve(TimeSpan duration)
    {
        Append(_solveMs, duration.TotalMilliseconds);
    }

    /// <summary>Every solver call's duration, infrastructure milliseconds.</summary>
    public IReadOnlyList<double> SolveTimesMs => _solveMs.ToArray();

    public void Record(AppliedPlan plan)
    {
        Append(_plans, plan);
    }

    public void Record(PartitionReport report)
    {
        Append(_reports, report);
    }

    public IReadOnlyList<AppliedPlan> Plans => _plans.ToArray();

    public IReadOnlyList<PartitionReport> Reports => _reports.ToArray();

    private void Append<T>(ConcurrentQueue<T> queue, T item)
    {
        queue.Enqueue(item);
        while (queue.Count > capacity && queue.TryDequeue(out _)) { }
    }

    public void Clear()
    {
        _plans.Clear();
        _reports.Clear();
        _solveMs.Clear();
    }
}
