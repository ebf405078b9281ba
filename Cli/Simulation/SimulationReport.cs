namespace Discovery.Cli.Simulation;

/// <summary>The document <c>--json</c> writes.</summary>
public sealed record SimulationReport(int Nodes, int Vms, double Duration, double Speedup, int Sites, int Seed, IReadOnlyList<SchedulerResult> Results);
