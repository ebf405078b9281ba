using Discovery.Model;
using Orleans.Concurrency;

namespace Discovery.Monitoring;

/// <summary>
/// The node's role at the receiving end of a migration from another silo. Every method interleaves:
/// two nodes migrating to each other at once must not wait on each other, and none touches the grain's
/// own state, only the hypervisor (thread-safe).
/// </summary>
[Alias("discovery.IMigrationDestination")]
public interface IMigrationDestination : IGrainWithStringKey
{
    /// <summary>The URI a source hypervisor connects to, peer to peer, to migrate a VM here (libvirt); null for a simulated node.</summary>
    [Alias("MigrationUri"), AlwaysInterleave]
    Task<string?> GetMigrationUriAsync();

    /// <summary>
    /// A VM is about to migrate here: the node fetches its image's base (image version <paramref name="imageDigest"/>) and
    /// creates its empty overlay, so that only the overlay's blocks move (libvirt; a no-op for a simulated node).
    /// </summary>
    [Alias("PrepareIncoming"), AlwaysInterleave, ResponseTimeout("00:10:00")] // fetches the VM's base when the node lacks it
    Task PrepareIncomingAsync(VmSpec vm, string? imageDigest);

    /// <summary>A VM starts migrating here: its memory and CPU are held here until it lands or is dropped.</summary>
    [Alias("AcceptIncoming"), AlwaysInterleave]
    Task AcceptIncomingAsync(IncomingVm vm);

    /// <summary>The VM has arrived, with its state and demand as they were on its source at the end.</summary>
    [Alias("LandIncoming"), AlwaysInterleave]
    Task LandIncomingAsync(IncomingVm vm);

    /// <summary>The migration was aborted: what was held for the VM is freed.</summary>
    [Alias("DropIncoming"), AlwaysInterleave]
    Task DropIncomingAsync(string vmId);
}

/// <summary>A VM handed over from a node of another silo: what the destination needs to hold it and run it.</summary>
[GenerateSerializer, Immutable, Alias("discovery.incoming-vm")]
public sealed record IncomingVm(
    [property: Id(0)] VmSpec Spec,
    [property: Id(1)] VmState State,
    [property: Id(2)] string From);
