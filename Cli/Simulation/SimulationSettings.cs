using Discovery.Hypervisors.Simulated;

namespace Discovery.Cli.Simulation;

/// <summary>What <c>discovery simulate</c> runs: one infrastructure, one seeded workload, several schedulers.</summary>
public sealed record SimulationSettings
{
    /// <summary>The simulated infrastructure, its seed and its speedup (infrastructure seconds per wall second, pessimistic for the scheduler).</summary>
    public SimulatedInfrastructure Infrastructure { get; init; } = new() { Nodes = 128, VmsPerNode = 10, Sites = 4, Speedup = 10 };
    /// <summary>Infrastructure seconds simulated per scheduler.</summary>
    public double DurationSeconds { get; init; } = 600;
    public IReadOnlyList<SchedulerKind> Schedulers { get; init; } = [SchedulerKind.Dvms, SchedulerKind.None];
    /// <summary>DVMS per-partition solver time limit, infrastructure seconds.</summary>
    public double PartitionTimeLimitSeconds { get; init; } = 2;
    /// <summary>Headroom target CPU load of every scheduler's objective (the same for all, so the comparison stays fair); null: least memory only.</summary>
    public double? HeadroomTarget { get; init; } = new Scheduling.DvmsOptions().HeadroomTarget;
    /// <summary>Pressure threshold CPU load of every scheduler (a node above it is relieved before it overloads); null: overloads only.</summary>
    public double? PressureThreshold { get; init; } = new Scheduling.DvmsOptions().PressureThreshold;
    /// <summary>After the run, how long running partitions may take to finish before leftovers count as stuck.</summary>
    public double DrainSeconds { get; init; } = 60;

    /// <summary>Silos in this process, each driving a slice of whole sites (its own simulated datacentre); 1: one silo drives all.</summary>
    public int Silos { get; init; } = 1;
    /// <summary>Mutual TLS between the silos and Discovery's security on each (<c>--secure</c>): what they cost.</summary>
    public bool Secure { get; init; }

    /// <summary>VMs in all.</summary>
    public int Vms => Infrastructure.Nodes * Infrastructure.VmsPerNode;

    /// <summary>
    /// Settings from the command's options (VMs in all, schedulers comma-separated), with every
    /// problem naming its option; the rest keep this record's defaults.
    /// </summary>
    public static SimulationSettings FromOptions(int nodes, int vms, int sites, double durationSeconds, double speedup, string schedulers, int seed,
        out List<string> problems, string? headroom = null, int silos = 1, string? pressure = null)
    {
        problems = [];
        var headroomTarget = ParseLoad("--headroom", headroom, new SimulationSettings().HeadroomTarget, problems);
        var pressureThreshold = ParseLoad("--pressure", pressure, new SimulationSettings().PressureThreshold, problems);
        // The default threshold gives way to a headroom target at or above it; one given explicitly must lie above the target.
        if (pressure is null && pressureThreshold is { } d && headroomTarget is { } t && d <= t) pressureThreshold = null;
        if (pressureThreshold is { } p && headroomTarget is { } h && p <= h)
            problems.Add($"--pressure: must be above --headroom ({h.ToString(System.Globalization.CultureInfo.InvariantCulture)}) so that a relieved node lands under it, got {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (pressureThreshold is not null && headroomTarget is null && pressure is not null)
            problems.Add("--pressure: needs a headroom target to bring nodes down to (--headroom is none)");
        if (nodes < 2) problems.Add($"--nodes: at least 2, got {nodes}");
        if (vms < 1) problems.Add($"--vms: at least 1, got {vms}");
        if (vms % Math.Max(1, nodes) != 0) problems.Add($"--vms: must be a multiple of --nodes ({nodes}) so every node starts with the same number of VMs, got {vms}");
        if (sites < 1 || sites > nodes) problems.Add($"--sites: within 1..{nodes}, got {sites}");
        if (!(durationSeconds > 0)) problems.Add($"--duration: positive infrastructure seconds, got {durationSeconds}");
        if (!(speedup >= 1)) problems.Add($"--speedup: at least 1, got {speedup}");
        var kinds = SchedulerKinds.Parse(schedulers, problems);
        if (silos < 1 || silos > sites) problems.Add($"--silos: within 1..{sites} (the number of --sites: each silo drives whole sites), got {silos}");
        else if (silos > 1 && kinds.Any(k => k is SchedulerKind.Centralized or SchedulerKind.Hierarchical))
            problems.Add($"--silos: above 1, only dvms and none run (the centralized and hierarchical baselines are single-silo), got {silos} with --schedulers {schedulers}");
        var defaults = new SimulationSettings();
        return defaults with
        {
            Infrastructure = defaults.Infrastructure with { Nodes = nodes, VmsPerNode = vms / Math.Max(1, nodes), Sites = sites, Speedup = speedup, Seed = seed },
            DurationSeconds = durationSeconds,
            Schedulers = kinds,
            HeadroomTarget = headroomTarget,
            PressureThreshold = headroomTarget is null ? null : pressureThreshold,
            Silos = silos,
        };
    }

    /// <summary><c>--headroom</c> or <c>--pressure</c>: a CPU load within (0, 1], or none (off, 0); absent, <paramref name="fallback"/>.</summary>
    private static double? ParseLoad(string option, string? text, double? fallback, List<string> problems)
    {
        if (text is null) return fallback;
        if (text.Trim().ToLowerInvariant() is "none" or "off" or "0") return null;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var h) && h > 0 && h <= 1)
            return h;
        problems.Add($"{option}: a CPU load within (0, 1] such as 0.9, or 'none' (or 0), got '{text}'");
        return fallback;
    }
}
