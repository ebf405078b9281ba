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

    /// <summary>Every solver's short name, for messages: "cpsat, greedy".</summary>
    public static string Names => string.Join(", ", Enum.GetValues<SolverKind>().Select(k => For(k).Name));

    /// <summary>Reads a solver's short name (<c>cpsat</c>, <c>greedy</c>), ignoring case.</summary>
    public static bool TryParse(string? text, out SolverKind kind)
    {
        foreach (var k in Enum.GetValues<SolverKind>())
            if (string.Equals(For(k).Name, text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        kind = SolverKind.CpSat;
        return false;
    }
}
