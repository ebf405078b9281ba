namespace Discovery.Placement;

/// <summary>Finds a viable placement of a problem and a safe plan to reach it.</summary>
public interface IPlacementSolver
{
    /// <summary>Short name for tables and logs (cpsat, greedy).</summary>
    string Name { get; }

    /// <summary>Which solver this is, as grain calls and settings name it.</summary>
    SolverKind Kind { get; }

    /// <summary>Solves <paramref name="problem"/> within <paramref name="options"/>' limits. Never throws for an unsolvable problem: the status says.</summary>
    PlacementResult Solve(PlacementProblem problem, SolverOptions options);
}
