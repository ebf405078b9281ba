using Discovery.Placement;
using Discovery.Placement.Admission;
using System.ComponentModel.DataAnnotations;
using Discovery.Scheduling;

namespace Discovery.Silo.Configuration;

/// <summary>
/// The <c>Discovery:Scheduling</c> section: <see cref="DvmsOptions"/> as operators write it, in
/// seconds under the README's key names; <see cref="ToDvmsOptions"/> gives what the grains receive.
/// </summary>
public sealed record SchedulingSettings
{
    private static readonly DvmsOptions Defaults = new();

    public bool Enabled { get; init; } = Defaults.Enabled;
    [Range(0.01, 3600.0)] public double MonitoringPeriodSeconds { get; init; } = Defaults.MonitoringPeriod.TotalSeconds;
    [Range(0.01, 3600.0)] public double LeaseRenewalSeconds { get; init; } = Defaults.LeaseRenewalPeriod.TotalSeconds;
    [Range(0.02, 3600.0)] public double LeaseTimeoutSeconds { get; init; } = Defaults.LeaseTimeout.TotalSeconds;
    [Range(0.01, 3600.0)] public double SolverTimeLimitSeconds { get; init; } = Defaults.SolverTimeLimit.TotalSeconds;
    /// <summary>How long a node's hypervisor may stay unreachable before the node is marked down.</summary>
    [Range(0.0, 3600.0)] public double NodeDownGraceSeconds { get; init; } = Defaults.NodeDownGrace.TotalSeconds;
    /// <summary>How long the nodes of a silo that died wait for it before they are marked down.</summary>
    [Range(0.0, 86400.0)] public double SiloLossGraceSeconds { get; init; } = Defaults.SiloLossGrace.TotalSeconds;
    /// <summary>Null or blank: underload detection off.</summary>
    [Range(0.001, 0.999)] public double? UnderloadThreshold { get; init; } = Defaults.UnderloadThreshold;
    /// <summary>Headroom target CPU load of every plan (0.9 = 90 %); 0 turns it off (least memory moved only).</summary>
    [Range(0.0, 1.0)] public double HeadroomTarget { get; init; } = Defaults.HeadroomTarget ?? 0;
    /// <summary>Pressure threshold CPU load (0.93 = 93 %), above the headroom target: a node above it sheds load before it overloads; 0 turns it off.</summary>
    [Range(0.0, 1.0)] public double PressureThreshold { get; init; } = Defaults.PressureThreshold ?? 0;
    /// <summary>Nodes a partition may add to find a plan with headroom.</summary>
    [Range(0, 1024)] public int HeadroomGrowth { get; init; } = Defaults.HeadroomGrowth;
    /// <summary>Largest partition, in nodes.</summary>
    [Range(1, 100_000)] public int MaxPartitionSize { get; init; } = Defaults.MaxPartitionSize;
    /// <summary>Cost of a migration to another site, as a multiple of the same migration inside a site.</summary>
    [Range(1.0, 1000.0)] public double CrossSiteWeight { get; init; } = Defaults.CrossSiteWeight;
    /// <summary>Calls a silo has in flight at once when it asks every node of a list (monitoring start and stop, central rounds, health).</summary>
    [Range(1, 100_000)] public int FanOutWidth { get; init; } = Defaults.FanOutWidth;
    /// <summary>Site, other site, distance (symmetric): a partition that outgrows its site tries the nearest first.</summary>
    public Dictionary<string, Dictionary<string, double>> SiteDistances { get; init; } = [];
    /// <summary>vCPUs a node may have allocated per core when VEs are admitted (Nova's <c>cpu_allocation_ratio</c>).</summary>
    public double CpuAllocationRatio { get; init; } = Defaults.Admission.CpuAllocationRatio;
    /// <summary>Memory a node may have allocated per MiB it has: 1, never overcommitted, unless configured.</summary>
    public double MemoryAllocationRatio { get; init; } = Defaults.Admission.MemoryAllocationRatio;
    /// <summary>Per PoP (site) ratios: <c>Sites:&lt;site&gt;:CpuAllocationRatio</c>, <c>Sites:&lt;site&gt;:MemoryAllocationRatio</c>.</summary>
    public Dictionary<string, SiteAdmission> Sites { get; init; } = [];
    /// <summary>As written; <see cref="TryParseSolver"/> says whether it names a solver.</summary>
    public string Solver { get; init; } = PlacementSolvers.For(Defaults.Solver).Name;

    /// <summary>The solvers <see cref="TryParseSolver"/> accepts, for messages.</summary>
    public static string KnownSolvers => PlacementSolvers.Names;

    /// <summary>Reads a solver name (cpsat, greedy; any case) into <see cref="DvmsOptions.Solver"/>.</summary>
    public static bool TryParseSolver(string text, out SolverKind solver) => PlacementSolvers.TryParse(text, out solver);

    /// <summary>The options the grains receive; an unknown solver keeps the default (the validator reports it).</summary>
    public DvmsOptions ToDvmsOptions() => new()
    {
        Enabled = Enabled,
        MonitoringPeriod = TimeSpan.FromSeconds(MonitoringPeriodSeconds),
        LeaseRenewalPeriod = TimeSpan.FromSeconds(LeaseRenewalSeconds),
        LeaseTimeout = TimeSpan.FromSeconds(LeaseTimeoutSeconds),
        SolverTimeLimit = TimeSpan.FromSeconds(SolverTimeLimitSeconds),
        UnderloadThreshold = UnderloadThreshold,
        NodeDownGrace = TimeSpan.FromSeconds(NodeDownGraceSeconds),
        SiloLossGrace = TimeSpan.FromSeconds(SiloLossGraceSeconds),
        HeadroomTarget = HeadroomTarget > 0 ? HeadroomTarget : null,
        HeadroomGrowth = HeadroomGrowth,
        PressureThreshold = PressureThreshold > 0 ? PressureThreshold : null,
        MaxPartitionSize = MaxPartitionSize,
        CrossSiteWeight = CrossSiteWeight,
        FanOutWidth = FanOutWidth,
        SiteDistances = SiteDistances,
        Admission = new AdmissionPolicy { CpuAllocationRatio = CpuAllocationRatio, MemoryAllocationRatio = MemoryAllocationRatio, Sites = Sites },
        Solver = TryParseSolver(Solver, out var solver) ? solver : Defaults.Solver,
    };
}
