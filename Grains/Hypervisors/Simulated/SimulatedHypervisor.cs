using Discovery.Model;
using Discovery.Monitoring;

namespace Discovery.Hypervisors.Simulated;

/// <summary>One node of a <see cref="SimulatedDatacenter"/>, seen through the hypervisor interface.</summary>
public sealed class SimulatedHypervisor : IHypervisor, IPeekableHypervisor, IHandOverHost
{
    private readonly SimulatedDatacenter _datacenter;

    internal SimulatedHypervisor(SimulatedDatacenter datacenter, string node)
    {
        _datacenter = datacenter;
        Node = node;
    }

    /// <inheritdoc />
    public string Node { get; }

    /// <summary>The site (PoP) of this node.</summary>
    public string Site => _datacenter.SiteOf(Node);

    /// <summary>The datacentre this node belongs to.</summary>
    public SimulatedDatacenter Datacenter => _datacenter;

    /// <inheritdoc />
    public event Action<VmLifecycleEvent>? LifecycleChanged;

    internal bool HasSubscribers => LifecycleChanged is not null;

    internal void RaiseLifecycle(VmLifecycleEvent evt) => LifecycleChanged?.Invoke(evt);

    /// <inheritdoc />
    public NodeReading Peek() => _datacenter.Peek(Node);

    /// <inheritdoc />
    public Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken = default) => Task.FromResult(_datacenter.HostInfo(Node));

    /// <inheritdoc />
    public Task<IReadOnlyList<VmStatus>> ListVmsAsync(CancellationToken cancellationToken = default) => Task.FromResult(_datacenter.List(Node));

    /// <inheritdoc />
    public Task DefineAsync(VmSpec vm, CancellationToken cancellationToken = default) => Run(() => _datacenter.Define(Node, vm));

    /// <inheritdoc />
    public Task StartAsync(string vmId, CancellationToken cancellationToken = default) => Transition(vmId, VmLifecycleKind.Started);

    /// <inheritdoc />
    public Task StopAsync(string vmId, CancellationToken cancellationToken = default) => Transition(vmId, VmLifecycleKind.Shutdown);

    /// <inheritdoc />
    public Task SuspendAsync(string vmId, CancellationToken cancellationToken = default) => Transition(vmId, VmLifecycleKind.Suspended);

    /// <inheritdoc />
    public Task ResumeAsync(string vmId, CancellationToken cancellationToken = default) => Transition(vmId, VmLifecycleKind.Resumed);

    /// <inheritdoc />
    public Task DestroyAsync(string vmId, CancellationToken cancellationToken = default) => Transition(vmId, VmLifecycleKind.Stopped);

    /// <inheritdoc />
    public Task UndefineAsync(string vmId, CancellationToken cancellationToken = default) => Transition(vmId, VmLifecycleKind.Undefined);

    /// <inheritdoc />
    public Task<MigrationOutcome> MigrateAsync(string vmId, MigrationTarget destination, CancellationToken cancellationToken = default)
    {
        if (destination.Local is SimulatedHypervisor target && ReferenceEquals(target._datacenter, _datacenter))
            return _datacenter.MigrateAsync(Node, vmId, target.Node, cancellationToken);
        // Another silo's datacentre: handed over through the destination's grain, with the same timing.
        if (destination.Remote is { } remote) return _datacenter.HandOverAsync(Node, vmId, destination.Node, remote, cancellationToken);
        return Task.FromException<MigrationOutcome>(new HypervisorException(Node, HypervisorErrorKind.Unsupported,
            $"migrate '{vmId}': destination {destination.Node} is neither in this simulated datacentre nor reachable through its grain"));
    }

    /// <inheritdoc />
    public string? MigrationUri => null;

    /// <inheritdoc />
    public void Accept(IncomingVm vm) => _datacenter.AcceptIncoming(Node, vm);

    /// <inheritdoc />
    public void Land(IncomingVm vm) => _datacenter.LandIncoming(Node, vm);

    /// <inheritdoc />
    public void Drop(string vmId) => _datacenter.DropIncoming(Node, vmId);

    private Task Transition(string vmId, VmLifecycleKind kind) => Run(() => _datacenter.Transition(Node, vmId, kind));

    private static Task Run(Action action)
    {
        try
        {
            action();
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }
}
