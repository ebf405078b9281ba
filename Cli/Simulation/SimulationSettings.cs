namespace Discovery.Cli.Simulation;

/// <summary>What <c>discovery simulate</c> runs: one infrastructure, one seeded workload, several schedulers.</summary>
public sealed record SimulationSettings
{
    public static readonly string[] KnownSchedulers = ["dvms", "centralized", "hierarchical", "none"];

    public int Nodes { get; init; } = 128;
    public int Vms { get; init; } = 1280;
    public int Sites { get; init; } = 4;
    /// <summary>Infrastructure seconds simulated per scheduler.</summary>
    public double DurationSeconds { get; init; } = 600;
    /// <summary>Infrastructure seconds per wall second (pessimistic for the scheduler).</summary>
    public double Speedup { get; init; } = 10;
    public IReadOnlyList<string> Schedulers { get; init; } = ["dvms", "none"];
    public int Seed { get; init; } = 42;
    public int NodeCores { get; init; } = 8;
    public int NodeMemoryMiB { get; init; } = 32768;
    public int VmMemoryMiB { get; init; } = 1024;
    public double MigrationBandwidthMbps { get; init; } = 1000;
    /// <summary>DVMS per-partition solver time limit, infrastructure seconds.</summary>
    public double PartitionTimeLimitSeconds { get; init; } = 2;
    /// <summary>After the run, how long running partitions may take to finish before leftovers count as stuck.</summary>
    public double DrainSeconds { get; init; } = 60;

    /// <summary>Every problem, naming the option.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Nodes < 2) problems.Add($"--nodes: at least 2, got {Nodes}");
        if (Vms < 1) problems.Add($"--vms: at least 1, got {Vms}");
        if (Vms % Math.Max(1, Nodes) != 0) problems.Add($"--vms: must be a multiple of --nodes ({Nodes}) so every node starts with the same number of VMs, got {Vms}");
        if (Sites < 1 || Sites > Nodes) problems.Add($"--sites: within 1..{Nodes}, got {Sites}");
        if (!(DurationSeconds > 0)) problems.Add($"--duration: positive infrastructure seconds, got {DurationSeconds}");
        if (!(Speedup >= 1)) problems.Add($"--speedup: at least 1, got {Speedup}");
        foreach (var s in Schedulers.Where(s => !KnownSchedulers.Contains(s)))
            problems.Add($"--schedulers: unknown scheduler '{s}' (known: {string.Join(", ", KnownSchedulers)})");
        if (Schedulers.Count == 0) problems.Add("--schedulers: name at least one");
        if (Schedulers.Distinct().Count() != Schedulers.Count) problems.Add("--schedulers: a scheduler is named twice");
        return problems;
    }
}
