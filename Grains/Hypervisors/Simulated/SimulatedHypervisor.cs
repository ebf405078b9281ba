using Discovery.Model;

namespace Discovery.Hypervisors.Simulated;

/// <summary>One node of a <see cref="SimulatedDatacenter"/>, seen through the hypervisor interface.</summary>
public sealed class SimulatedHypervisor : IHypervisor, IPeekableHypervisor
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
    public Task<MigrationOutcome> MigrateAsync(string vmId, IHypervisor destination, CancellationToken cancellationToken = default)
    {
        if (destination is not SimulatedHypervisor target || !ReferenceEquals(target._datacenter, _datacenter))
            return Task.FromException<MigrationOutcome>(new HypervisorException(Node, HypervisorErrorKind.Unsupported,
                $"migrate '{vmId}': destination {destination.Node} is not in the same simulated datacentre"));
        return _datacenter.MigrateAsync(Node, vmId, target.Node, cancellationToken);
    }

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
