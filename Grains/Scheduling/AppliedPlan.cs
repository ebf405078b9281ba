using Discovery.Placement;

namespace Discovery.Scheduling;

/// <summary>One plan a partition applied: the problem it solved and the result, with when it ran.</summary>
public sealed record AppliedPlan(string PartitionId, PlacementProblem Problem, PlacementResult Result, DateTimeOffset StartedAt, DateTimeOffset EndedAt);
