using Discovery.Placement;

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

    /// <summary>Largest partition: growth stops there and the partition counts as blocked.</summary>
    public int MaxPartitionSize { get; init; } = 256;

    /// <summary>False turns node-triggered scheduling off (monitoring only: the "none" and centralized schedulers).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A node whose hypervisor has been unreachable this long is marked down and its VE VMs placed elsewhere (issue default: 10 s).</summary>
    public TimeSpan NodeDownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Solver used by partitions.</summary>
    public SolverKind Solver { get; init; } = SolverKind.CpSat;
}
