namespace Discovery.Cli.Bench;

/// <summary>Figures of one solver over every instance.</summary>
public sealed record SolverFigures(
    int Solved, double P50Ms, double P95Ms, double MeanMigrations, double MeanMovedMiB,
    int Optimal, int NoSolution, int TimedOut, int NoSafePlan, int CheckerFailures, double MaxMs);

/// <summary>The JSON document <c>--json</c> writes.</summary>
public sealed record SolverBenchmarkReport(
    int Instances, int Nodes, int VmsPerNode, int Seed, double TimeLimitSeconds,
    SolverFigures Cpsat, SolverFigures Greedy,
    int SolvedByCpsatOnly, int SolvedByGreedyOnly, int CpsatMovedLessThanGreedy, int CpsatMovedMoreThanGreedy);
