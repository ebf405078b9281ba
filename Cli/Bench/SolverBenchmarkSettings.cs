namespace Discovery.Cli.Bench;

/// <summary>Settings of <c>discovery bench solver</c>.</summary>
public sealed record SolverBenchmarkSettings(int Nodes = 16, int VmsPerNode = 10, int Instances = 100, int Seed = 1,
    double TimeLimitSeconds = 2, int Workers = 2, double TargetLoad = 0.85);
