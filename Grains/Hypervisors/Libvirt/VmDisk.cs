namespace Discovery.Hypervisors.Libvirt;

/// <summary>
/// What a domain boots from an image of the catalogue: its own copy-on-write overlay over the node's cached base, and
/// the cached kernel and initrd of a direct boot. Paths are on the daemon's host.
/// </summary>
/// <param name="Image">The image's name, as the VM's spec gives it.</param>
/// <param name="Digest">The image version's digest (<see cref="Images.ImageManifest.Digest"/>): what a migration's destination must hold too.</param>
/// <param name="Overlay">The VM's qcow2 overlay.</param>
/// <param name="Base">The cached base the overlay sits on (read-only).</param>
/// <param name="BaseFormat">The base's format: <c>raw</c> or <c>qcow2</c>.</param>
/// <param name="Kernel">The kernel of a direct boot; null: the disk's boot loader.</param>
/// <param name="Initrd">The initrd of a direct boot, if any.</param>
/// <param name="CommandLine">The kernel's command line of a direct boot.</param>
public sealed record VmDisk(string Image, string Digest, string Overlay, string Base, string BaseFormat,
    string? Kernel = null, string? Initrd = null, string? CommandLine = null);
