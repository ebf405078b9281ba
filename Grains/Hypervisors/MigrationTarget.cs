using Discovery.Model;
using Discovery.Monitoring;

namespace Discovery.Hypervisors;

/// <summary>
/// Where a migration goes. A node of the same silo comes with its hypervisor (<see cref="Local"/>); a node
/// of another silo with what it published: the URI its hypervisor takes migrations on (libvirt, peer to
/// peer) and a channel to its grain through which a simulated VM is handed over (<see cref="Remote"/>).
/// </summary>
public sealed record MigrationTarget(string Node, IHypervisor? Local = null, string? Uri = null, IIncomingVms? Remote = null)
{
    /// <summary>A node of this silo.</summary>
    public static MigrationTarget Of(IHypervisor local) => new(local.Node, Local: local, Uri: local.MigrationUri);
}

/// <summary>The destination's side of a hand-over between two silos (its node grain, in production).</summary>
public interface IIncomingVms
{
    /// <summary>Readies the destination's disk for the VM before it moves (<see cref="IHypervisor.PrepareIncomingAsync"/>).</summary>
    Task PrepareAsync(VmSpec vm, string? imageDigest) => Task.CompletedTask;

    /// <summary>Holds the VM's resources there while it is in flight; throws when it does not fit.</summary>
    Task AcceptAsync(IncomingVm vm);

    /// <summary>The VM runs there from now on.</summary>
    Task LandAsync(IncomingVm vm);

    /// <summary>The hand-over was aborted: frees what <see cref="AcceptAsync"/> held.</summary>
    Task DropAsync(string vmId);
}

/// <summary>A hypervisor that takes VMs handed over from another silo (the simulated one: libvirt daemons migrate between themselves).</summary>
public interface IHandOverHost
{
    /// <inheritdoc cref="IIncomingVms.AcceptAsync"/>
    void Accept(IncomingVm vm);

    /// <inheritdoc cref="IIncomingVms.LandAsync"/>
    void Land(IncomingVm vm);

    /// <inheritdoc cref="IIncomingVms.DropAsync"/>
    void Drop(string vmId);
}

/// <summary>Shorthands over <see cref="IHypervisor"/>.</summary>
public static class HypervisorExtensions
{
    /// <summary>Migrates a VM to another node of the same silo.</summary>
    public static Task<MigrationOutcome> MigrateAsync(this IHypervisor source, string vmId, IHypervisor destination, CancellationToken cancellationToken = default) =>
        source.MigrateAsync(vmId, MigrationTarget.Of(destination), cancellationToken);
}
