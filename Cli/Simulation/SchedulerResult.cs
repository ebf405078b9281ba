using System.Text.Json.Serialization;

namespace Discovery.Cli.Simulation;

/// <summary>One point of the ground-truth time series.</summary>
public sealed record SimulationSample(double T, double CumulatedViolationSeconds, double MeanLoad, int OverloadedNodes);

/// <summary>One partition (or central round) in the timeline: infrastructure seconds from the start, the nodes it held at the end.</summary>
public sealed record PartitionSpan(double Start, double End, IReadOnlyList<string> Nodes, string Outcome);

/// <summary>Figures of one scheduler on the shared workload. Times in infrastructure milliseconds.</summary>
public sealed record SchedulerResult
{
    public required string Scheduler { get; init; }
    /// <summary>Silos the run used (one process, real Orleans networking between them).</summary>
    public int Silos { get; init; } = 1;
    /// <summary>Messages the silos sent each other over the network during the run (Orleans' membership traffic included).</summary>
    public long SiloMessages { get; init; }
    /// <summary><see cref="SiloMessages"/> per event (partition).</summary>
    public double MessagesPerEvent { get; init; }
    /// <summary>Migrations applied between nodes of two sites (metric <c>discovery.migrations.cross_site</c>).</summary>
    public long CrossSiteMigrations { get; init; }
    public double ViolationSeconds { get; init; }
    public double MeanLoad { get; init; }
    public int Events { get; init; }
    public int Resolved { get; init; }
    /// <summary>Pressure events (a node above the pressure threshold, not overloaded): not in <see cref="Events"/>.</summary>
    public int Pressures { get; init; }
    /// <summary>Of which relieved: brought under the headroom target.</summary>
    public int Relieved { get; init; }
    public double ResolutionP50Ms { get; init; }
    public double ResolutionP99Ms { get; init; }
    public long Migrations { get; init; }
    public double SolverP50Ms { get; init; }
    public int MaxPartition { get; init; }
    public int StuckReservations { get; init; }
    public double WallSeconds { get; init; }
    public long LoadChanges { get; init; }
    public double PeakWorkingSetMiB { get; init; }
    /// <summary>Overloads of a node that began within 120 s after a VM landed on it (a plan filled it too much).</summary>
    public long ReOverloads { get; init; }
    /// <summary>Overloads that began during the run (episodes), whether a scheduler acted on them or not.</summary>
    public long Overloads { get; init; }
    /// <summary>CPU time of the whole process during the run, seconds (both cores count).</summary>
    public double CpuSeconds { get; init; }
    /// <summary>Of which reading nodes and deciding events (the monitoring pass and node grains' observations), seconds.</summary>
    public double MonitoringCpuSeconds { get; init; }
    /// <summary>Of which the placement solver, seconds (the calling thread: a second CP-SAT worker is not counted).</summary>
    public double SolverCpuSeconds { get; init; }
    /// <summary>Node grains woken by the monitoring pass, per node and infrastructure second (1 would be a grain call per node per period).</summary>
    public double WakesPerNodeSecond { get; init; }
    /// <summary>How the partitions (or central rounds) ended: Solved, Vanished, GaveUp, Absorbed, Failed; pressures apart ("Pressure Solved", ...).</summary>
    public IReadOnlyDictionary<string, int> Outcomes { get; init; } = new Dictionary<string, int>();
    /// <summary>Why partitions failed or gave up, node names and numbers folded ("lost the lease of node-#"), with counts.</summary>
    public IReadOnlyDictionary<string, int> Failures { get; init; } = new Dictionary<string, int>();

    [JsonIgnore] public IReadOnlyList<SimulationSample> Series { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<double> ViolationPerNode { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<double> ResolutionTimesMs { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<int> PartitionSizes { get; init; } = [];
    [JsonIgnore] public IReadOnlyList<PartitionSpan> Timeline { get; init; } = [];
}
