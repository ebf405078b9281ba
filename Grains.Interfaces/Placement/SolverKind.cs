namespace Discovery.Placement;

/// <summary>
/// Which placement solver to run. A contract: it crosses grain calls
/// (<c>ISolverGrain.SolveAsync</c>) and names the solver in settings (<c>cpsat</c>, <c>greedy</c>).
/// </summary>
public enum SolverKind
{
    /// <summary>The CP-SAT model: viable placements with the least memory moved.</summary>
    CpSat,

    /// <summary>The first-fit-decreasing baseline: fast, no optimality.</summary>
    Greedy,
}
