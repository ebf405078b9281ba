using Discovery.Placement;

namespace Discovery.Solving;

/// <summary>
/// The placement solver as a stateless worker: builds and solves the CP-SAT model of one
/// partition (or of the whole infrastructure, for the centralized baseline).
/// </summary>
[Alias("discovery.ISolverGrain")]
public interface ISolverGrain : IGrainWithIntegerKey
{
    /// <summary>Solves <paramref name="problem"/> with <paramref name="solver"/>.</summary>
    [Alias("Solve")]
    Task<PlacementResult> SolveAsync(PlacementProblem problem, SolverOptions options, SolverKind solver = SolverKind.CpSat);

    /// <summary>
    /// Solves a VE's admission problem as <see cref="SolveAsync"/> does, in a queue of its own: however many Pending VEs try
    /// again, a DVMS partition's solve never waits behind them.
    /// </summary>
    [Alias("SolveAdmission")]
    Task<PlacementResult> SolveAdmissionAsync(PlacementProblem problem, SolverOptions options, SolverKind solver = SolverKind.CpSat);
}
