using System.Diagnostics.Metrics;

namespace Discovery.Scheduling;

/// <summary>
/// Metrics of distributed scheduling (meter <c>Discovery.Scheduling</c>), for OpenTelemetry or
/// dotnet-counters. Times are infrastructure milliseconds.
/// </summary>
public sealed class SchedulingMetrics : IDisposable
{
    public const string MeterName = "Discovery.Scheduling";
    private readonly Meter _meter;

    public SchedulingMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        EventsDetected = _meter.CreateCounter<long>("discovery.events.detected", description: "Events (overload, underload, maintenance) that started a partition");
        EventsSolved = _meter.CreateCounter<long>("discovery.events.solved", description: "Events whose plan was applied");
        EventsGivenUp = _meter.CreateCounter<long>("discovery.events.given_up", description: "Partitions that gave up or failed");
        EventsVanished = _meter.CreateCounter<long>("discovery.events.vanished", description: "Events gone by the time their partition looked");
        ResolutionTime = _meter.CreateHistogram<double>("discovery.events.resolution_time", "ms", "Detection to plan applied, infrastructure time");
        PartitionSize = _meter.CreateHistogram<int>("discovery.partition.size", "{node}", "Nodes of a partition when it ended");
        SolverTime = _meter.CreateHistogram<double>("discovery.solver.time", "ms", "Solver time per solve, infrastructure time");
        Migrations = _meter.CreateCounter<long>("discovery.migrations", description: "Migrations applied");
        CrossSiteMigrations = _meter.CreateCounter<long>("discovery.migrations.cross_site", description: "Migrations applied between nodes of two sites");
        ReservationsExpired = _meter.CreateCounter<long>("discovery.reservations.expired", description: "Reservations dropped because their leader stopped renewing");
        PlansRejected = _meter.CreateCounter<long>("discovery.plans.rejected", description: "Plans the independent checker refused: never applied");
        NodesDown = _meter.CreateCounter<long>("discovery.nodes.down", description: "Nodes marked down: hypervisor unreachable past the grace period");
        VmsLost = _meter.CreateCounter<long>("discovery.vms.lost", description: "VMs on a node marked down that belong to no VE: nothing restarts them");
    }

    public Counter<long> EventsDetected { get; }
    public Counter<long> EventsSolved { get; }
    public Counter<long> EventsGivenUp { get; }
    public Counter<long> EventsVanished { get; }
    public Histogram<double> ResolutionTime { get; }
    public Histogram<int> PartitionSize { get; }
    public Histogram<double> SolverTime { get; }
    public Counter<long> Migrations { get; }
    public Counter<long> CrossSiteMigrations { get; }
    public Counter<long> ReservationsExpired { get; }
    public Counter<long> PlansRejected { get; }
    public Counter<long> NodesDown { get; }
    public Counter<long> VmsLost { get; }

    public void Dispose() => _meter.Dispose();
}
