using Discovery.Placement;
using Discovery.Placement.Admission;

namespace Discovery.Scheduling;

/// <summary>
/// Timings and thresholds of distributed scheduling, in infrastructure time. Defaults are the
/// seed's and the public DVMS prototype's. <see cref="DvmsOptionsValidator"/> checks them.
/// </summary>
public sealed record DvmsOptions
{
    /// <summary>How often a node reads its hypervisor (seed: 1 s).</summary>
    public TimeSpan MonitoringPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a leader renews its nodes' leases (DVMS: checked every 500 ms).</summary>
    public TimeSpan LeaseRenewalPeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A node drops a reservation whose leader has been silent this long (DVMS: 1.5 s).</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>CP-SAT time limit per partition solve (DVMS: 2-3 s).</summary>
    public TimeSpan SolverTimeLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>CP-SAT workers per partition solve: one, so that concurrent partitions and the silo keep a core.</summary>
    public int SolverWorkers { get; init; } = 1;

    /// <summary>CPU load under which a node asks to be emptied; null = underload detection off (the default).</summary>
    public double? UnderloadThreshold { get; init; }

    /// <summary>After its partition gave up or failed, a node waits this long before starting another for the same event.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A partition still unsolved after this long gives up, whatever its state: none waits forever.</summary>
    public TimeSpan MaxPartitionLifetime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Largest partition: growth stops there, the partition counts as blocked (it may still absorb a
    /// lower-id partition it met), and when nothing is left it gives up saying it reached the cap.
    /// </summary>
    public int MaxPartitionSize { get; init; } = 16;

    /// <summary>
    /// Headroom target, as a CPU load (0.9 = 90 %): every scheduler's objective first keeps the nodes a plan
    /// touches at or under it (an overloaded node comes down to it), then moves as little memory as possible,
    /// so that a plan does not fill a neighbour to the brim and overload it again. Null: least memory only.
    /// </summary>
    public double? HeadroomTarget { get; init; } = 0.9;

    /// <summary>
    /// Pressure threshold, as a CPU load (0.93 = 93 %), above the headroom target: a node above it, though not overloaded,
    /// must come down to the headroom target, in every scheduler (a DVMS node raises a <see cref="Model.EventKind.Pressure"/>
    /// event; the central and per-site loops relieve such nodes in their rounds). It acts before an overload instead of
    /// after, at the cost of more migrations (BENCHMARKS.md: 93 % against 95 % at 256 nodes, 15 % less violation for 58 %
    /// more migrations). Null: only overloads are acted upon.
    /// </summary>
    public double? PressureThreshold { get; init; } = 0.93;

    /// <summary>
    /// Partitions a silo lets decide at once (grow, solve, merge; applying a plan does not count). Past it, a node
    /// with an event waits a monitoring period before it starts one: under a storm, fewer partitions start instead of
    /// many failing for leases their silo could not renew in time.
    /// </summary>
    public int MaxDecidingPartitions { get; init; } = 32;

    /// <summary>A partition whose best plan leaves a touched node above the headroom target may reserve this many more nodes to find one that does not.</summary>
    public int HeadroomGrowth { get; init; } = 4;

    /// <summary>False turns node-triggered scheduling off (monitoring only: the "none" and centralized schedulers).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A node whose hypervisor has been unreachable this long is marked down and its VE VMs placed elsewhere (issue default: 10 s).</summary>
    public TimeSpan NodeDownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What a migration to a node of another site costs in every scheduler's objective, as a multiple of the same
    /// migration inside a site (memory moved is what is minimized): at 10, a plan moves a VM across sites only when
    /// its own site offers no plan ten times cheaper, in practice only when the site has no room.
    /// </summary>
    public double CrossSiteWeight { get; init; } = 10;

    /// <summary>
    /// Distances between sites (site, other site, distance; symmetric; any non-negative figure, only the order
    /// matters): a partition that outgrows its site goes to the nearest one first. Pairs not given are farther
    /// than those given; with none, the next site in name order comes first.
    /// </summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>> SiteDistances { get; init; } = new Dictionary<string, Dictionary<string, double>>();

    /// <summary>
    /// A node whose silo is gone (no live silo drives it) is marked down after this long, and its VE VMs placed elsewhere:
    /// longer than <see cref="NodeDownGrace"/>, so that restarting a silo (an upgrade) does not evacuate its PoP.
    /// </summary>
    public TimeSpan SiloLossGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Calls a silo's grains have in flight at once when they ask every node (or every hypervisor) of a list: starting
    /// monitoring, stopping it, a centralized round's snapshots, the stand-ins for a dead silo's nodes, the silo's health.
    /// Wide enough for thousands of nodes in a few rounds, narrow enough not to flood a silo's message queues.
    /// </summary>
    public int FanOutWidth { get; init; } = Discovery.Grains.FanOut.DefaultWidth;

    /// <summary>
    /// How a VE's new VMs are admitted on nodes: by allocation within CPU and memory ratios (per cluster, per PoP),
    /// then on the nodes whose live load leaves the most room for their expected demand.
    /// </summary>
    public AdmissionPolicy Admission { get; init; } = AdmissionPolicy.Default;

    /// <summary>How a Pending VE backs off between its own tries to place its VMs again (10 s doubling to 5 min, ±20 %).</summary>
    public Environments.PendingRetryPolicy PendingRetry { get; init; } = new();

    /// <summary>The solver's limits for one solve of <paramref name="timeLimit"/> (wall time) with <paramref name="workers"/>: headroom and cross-site cost as configured.</summary>
    public SolverOptions SolverOptionsFor(TimeSpan timeLimit, int workers) =>
        SolverOptions.Default with { TimeLimit = timeLimit, Workers = workers, Headroom = HeadroomTarget, CrossSiteWeight = CrossSiteWeight,
            Pressure = HeadroomTarget is null ? null : PressureThreshold };

    /// <summary>The pressure threshold in effect: only with a headroom target to come down to.</summary>
    public double? EffectivePressure => HeadroomTarget is null ? null : PressureThreshold;

    /// <summary>Solver used by partitions.</summary>
    public SolverKind Solver { get; init; } = SolverKind.CpSat;
}
