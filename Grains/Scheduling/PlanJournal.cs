using System.Collections.Concurrent;
using Discovery.Placement;

namespace Discovery.Scheduling;

/// <summary>One plan a partition applied: the problem it solved and the result, with when it ran.</summary>
public sealed record AppliedPlan(string PartitionId, PlacementProblem Problem, PlacementResult Result, DateTimeOffset StartedAt, DateTimeOffset EndedAt);

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
        _solveMs.Enqueue(duration.TotalMilliseconds);
        while (_solveMs.Count > capacity && _solveMs.TryDequeue(out _)) { }
    }

    /// <summary>Every solver call's duration, infrastructure milliseconds.</summary>
    public IReadOnlyList<double> SolveTimesMs => _solveMs.ToArray();

    public void Record(AppliedPlan plan)
    {
        _plans.Enqueue(plan);
        while (_plans.Count > capacity && _plans.TryDequeue(out _)) { }
    }

    public void Record(PartitionReport report)
    {
        _reports.Enqueue(report);
        while (_reports.Count > capacity && _reports.TryDequeue(out _)) { }
    }

    public IReadOnlyList<AppliedPlan> Plans => _plans.ToArray();

    public IReadOnlyList<PartitionReport> Reports => _reports.ToArray();

    public void Clear()
    {
        _plans.Clear();
        _reports.Clear();
        _solveMs.Clear();
    }
}
