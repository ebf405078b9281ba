using System.Diagnostics.Metrics;
using Discovery.Hypervisors.Simulated;

namespace Discovery.Silo.Operations;

/// <summary>
/// Gauges of this silo's simulated datacentre (meter <c>Discovery.Simulation</c>), read when scraped: the
/// cumulated violation and the overloaded nodes, the figures the seed compares schedulers on. Nothing on libvirt.
/// </summary>
public sealed class SimulationMetrics : IDisposable
{
    public const string MeterName = "Discovery.Simulation";
    private readonly Meter? _meter;

    public SimulationMetrics(IServiceProvider services, IMeterFactory meters)
    {
        if (services.GetService<SimulatedDatacenter>() is not { } datacenter) return;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("discovery.simulation.violation", () => datacenter.GetTotals().ViolationSeconds, "s",
            "Seconds of overload cumulated over this silo's simulated nodes");
        _meter.CreateObservableGauge("discovery.simulation.overloaded_nodes", () => datacenter.GetTotals().OverloadedNodes, "{node}",
            "Simulated nodes overloaded now");
        _meter.CreateObservableGauge("discovery.simulation.cpu_load", () => datacenter.GetTotals().MeanCpuLoad, null,
            "CPU demand over capacity of this silo's simulated nodes");
    }

    public void Dispose() => _meter?.Dispose();
}
