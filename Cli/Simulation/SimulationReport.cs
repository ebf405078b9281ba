namespace Discovery.Cli.Simulation;

/// <summary>The document <c>--json</c> writes.</summary>
public sealed record SimulationReport(int Nodes, int Vms, double Duration, double Speedup, int Sites, int Seed, IReadOnlyList<SchedulerResult> Results)
{
    /// <summary>The headroom target every scheduler's objective used (null: least memory only).</summary>
    public double? HeadroomTarget { get; init; }
    public double? PressureThreshold { get; init; }
}
