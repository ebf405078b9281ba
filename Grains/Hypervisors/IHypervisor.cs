using Discovery.Model;

namespace Discovery.Hypervisors;

/// <summary>
/// The seed's "bare hardware wrapper": everything Discovery asks of one physical machine's
/// hypervisor. Implemented over libvirt (real PMs) and over the simulated datacentre.
/// Every method is safe to await from a grain: implementations never block the caller's thread.
/// </summary>
public interface IHypervisor
{
    /// <summary>The node (PM) this hypervisor runs on.</summary>
    string Node { get; }

    /// <summary>Capacity and model of the machine.</summary>
    Task<HostInfo> GetHostInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>Every VM the hypervisor knows, with state and measured usage.</summary>
    Task<IReadOnlyList<VmStatus>> ListVmsAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the VM known to the hypervisor, stopped.</summary>
    Task DefineAsync(VmSpec vm, CancellationToken cancellationToken = default);

    /// <summary>Boots a defined, stopped VM.</summary>
    Task StartAsync(string vmId, CancellationToken cancellationToken = default);

    /// <summary>Asks the guest to shut down (graceful).</summary>
    Task StopAsync(string vmId, CancellationToken cancellationToken = default);

    /// <summary>Pauses a running VM, keeping its memory.</summary>
    Task SuspendAsync(string vmId, CancellationToken cancellationToken = default);

    /// <summary>Resumes a suspended VM.</summary>
    Task ResumeAsync(string vmId, CancellationToken cancellationToken = default);

    /// <summary>Powers the VM off at once (not graceful); it stays defined.</summary>
    Task DestroyAsync(string vmId, CancellationToken cancellationToken = default);

    /// <summary>Forgets a stopped VM.</summary>
    Task UndefineAsync(string vmId, CancellationToken cancellationToken = default);

    /// <summary>Moves the VM to <paramref name="destination"/> (a node of this silo or of another); completes when it has landed.</summary>
    Task<MigrationOutcome> MigrateAsync(string vmId, MigrationTarget destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Readies this node, the destination of a migration about to start, for VM <paramref name="vm"/> whose disk is an overlay
    /// over image version <paramref name="imageDigest"/> (null: no such disk): the base is fetched here and an empty overlay
    /// created, so the migration copies only the overlay. Nothing to do for a hypervisor without disks (the simulated one).
    /// </summary>
    Task PrepareIncomingAsync(VmSpec vm, string? imageDigest, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>The URI another node's hypervisor connects to, peer to peer, to migrate a VM here; null when it takes none that way.</summary>
    string? MigrationUri { get; }

    /// <summary>Raised when a VM is defined, started, stopped, crashes, ... Handlers run off the caller's thread.</summary>
    event Action<VmLifecycleEvent>? LifecycleChanged;
}
