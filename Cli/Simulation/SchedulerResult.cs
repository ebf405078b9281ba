using System.Text.Json.Serialization;

namespace Discovery.Cli.Simulation;

/// <summary>One point of the ground-truth time series.</summary>
public sealed record SimulationSample(double T, double CumulatedViolationSeconds, double MeanLoad, int OverloadedNodes);

/// <summary>Figures of one scheduler on the shared workload. Times in infrastructure milliseconds.</summary>
public sealed record SchedulerResult
{
    public required string Scheduler { get; init; }
    public double ViolationSeconds { get; init; }
    public double MeanLoad { get; init; }
    public int Events { get; init; }
    public int Resolved { get; init; }
    public double ResolutionP50Ms { get; init; }
    public double ResolutionP99Ms { get; init; }
    public long Migrations { get; init; }
    public double SolverP50Ms { get; init; }
    public int MaxPartition { get; init; }
    public int StuckReservations { get; init; }
    public double WallSeconds { get; init; }
    public long LoadChanges { get; init; }
    public double PeakWorkingSetMiB { get; init; }
    /// <summary>How the partitions (or central rounds) ended: Solved, Vanished, GaveUp, Absorbed, Failed.</summary>
    public IReadOnlyDictionary<string, int> Outcomes { get; init; } = new Dictionary<string, int>();
    /// <summary>Why partitions failed or gave up, node names and numbers folded ("lost the lease of node-#"), with counts.</summary>
    public IReadOnlyDictionary<string, int> Failures { get; init; } = new Dictionary<string, int>();

    [JsonIgnore] public IReadOnlyList<SimulationSample> Series { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<double> ViolationPerNode { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<double> ResolutionTimesMs { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<int> PartitionSizes { get; init; } = [];
}
