namespace Discovery.Placement;

/// <summary>The solver of each <see cref="SolverKind"/>; solvers are stateless, so one instance each serves every call.</summary>
public static class PlacementSolvers
{
    private static readonly IPlacementSolver CpSat = new CpSatPlacementSolver();
    private static readonly IPlacementSolver Greedy = new GreedyPlacementSolver();

    /// <summary>The solver of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not a defined solver.</exception>
    public static IPlacementSolver For(SolverKind kind) => kind switch
    {
        SolverKind.CpSat => CpSat,
        SolverKind.Greedy => Greedy,
        _ => throw new ArgumentException($"unknown solver '{kind}': use one of {string.Join(", ", Enum.GetNames<SolverKind>())}", nameof(kind)),
    };
}
