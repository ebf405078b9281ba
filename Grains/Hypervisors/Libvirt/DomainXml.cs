using System.Security;
using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>Builds the libvirt domain XML for a VM spec.</summary>
public static class DomainXml
{
    /// <summary>
    /// A minimal domain: name, memory, vCPUs, and <paramref name="disk"/> (the file the operator's allow-list gives for
    /// the VM's image, see <see cref="ImageCatalog.Resolve"/>; null: no disk). The image itself is only a name here:
    /// one that looks like a path is refused, so a spec that skipped validation still attaches no host file.
    /// <paramref name="domainType"/> is the driver's type: <c>test</c> for the test driver, <c>kvm</c> for QEMU/KVM.
    /// </summary>
    public static string For(VmSpec vm, string domainType, string? disk = null)
    {
        if (ImageCatalog.LooksLikePath(vm.Image))
            throw new ArgumentException($"image '{vm.Image}' is a path: a VM names an image, the allow-list gives its file");
        var devices = disk is not null
            ? $"""
                <devices>
                  <disk type='file' device='disk'>
                    <driver name='qemu' type='qcow2'/>
                    <source file='{SecurityElement.Escape(disk)}'/>
                    <target dev='vda' bus='virtio'/>
                  </disk>
                </devices>
              """
            : "";
        return $"""
            <domain type='{SecurityElement.Escape(domainType)}'>
              <name>{SecurityElement.Escape(vm.Id)}</name>
              <memory unit='MiB'>{vm.MemoryMiB}</memory>
              <vcpu>{vm.VCpus}</vcpu>
              <os><type>hvm</type></os>
              <description>discovery image={SecurityElement.Escape(vm.Image)}</description>
            {devices}
            </domain>
            """;
    }

    /// <summary>The namespace of Discovery's element in a domain's <c>&lt;metadata&gt;</c>.</summary>
    public const string MetadataNamespace = "https://discovery.invalid/libvirt/image/1";

    /// <summary>Where the serial console of VM <paramref name="vmId"/> is logged, on its daemon's host.</summary>
    public static string ConsoleLog(string vmId) => $"/var/log/libvirt/qemu/{vmId}-console.log";

    /// <summary>
    /// A domain that boots image <paramref name="disk"/>: the VM's qcow2 overlay as <c>vda</c> (virtio) over its
    /// read-only base, the kernel, initrd and command line of a direct boot (with <c>console=ttyS0</c>), a serial
    /// console logged to <see cref="ConsoleLog"/>, and the image's name and digest in its metadata (what a migration's
    /// destination must prepare). A guest that powers off or crashes stays down (its node reports it); one that
    /// reboots restarts.
    /// </summary>
    public static string For(VmSpec vm, string domainType, VmDisk disk)
    {
        if (ImageCatalog.LooksLikePath(vm.Image))
            throw new ArgumentException($"image '{vm.Image}' is a path: a VM names an image, the allow-list gives its file");
        if (vm.Id.Contains('/') || vm.Id.StartsWith('.'))
            throw new ArgumentException($"VM id '{vm.Id}' would name a file outside the console log directory");
        static string E(string s) => SecurityElement.Escape(s);
        var boot = disk.Kernel is null
            ? "<boot dev='hd'/>"
            : $"<kernel>{E(disk.Kernel)}</kernel>{(disk.Initrd is null ? "" : $"<initrd>{E(disk.Initrd)}</initrd>")}<cmdline>{E(WithSerialConsole(disk.CommandLine))}</cmdline>";
        return $"""
            <domain type='{E(domainType)}'>
              <name>{E(vm.Id)}</name>
              <memory unit='MiB'>{vm.MemoryMiB}</memory>
              <vcpu>{vm.VCpus}</vcpu>
              <os><type>hvm</type>{boot}</os>
              <description>discovery image={E(vm.Image)}</description>
              <metadata><discovery:image xmlns:discovery='{MetadataNamespace}' name='{E(disk.Image)}' digest='{E(disk.Digest)}'/></metadata>
              <on_poweroff>destroy</on_poweroff>
              <on_reboot>restart</on_reboot>
              <on_crash>destroy</on_crash>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='{E(disk.Overlay)}'/>
                  <backingStore type='file'><format type='{E(disk.BaseFormat)}'/><source file='{E(disk.Base)}'/><backingStore/></backingStore>
                  <target dev='vda' bus='virtio'/>
                </disk>
                <serial type='pty'><log file='{E(ConsoleLog(vm.Id))}' append='on'/><target port='0'/></serial>
                <console type='pty'><target type='serial' port='0'/></console>
              </devices>
            </domain>
            """;
    }

    /// <summary>The kernel's command line with <c>console=ttyS0</c>, so the serial console shows the boot.</summary>
    internal static string WithSerialConsole(string? commandLine) =>
        string.IsNullOrWhiteSpace(commandLine) ? "console=ttyS0"
        : commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("console=ttyS0") ? commandLine.Trim()
        : commandLine.Trim() + " console=ttyS0";

    /// <summary>The image name and digest a domain's XML records (<see cref="For(VmSpec, string, VmDisk)"/>); null for a domain without an image of the catalogue.</summary>
    public static (string Image, string Digest)? ImageOf(string domainXml)
    {
        var image = System.Xml.Linq.XDocument.Parse(domainXml).Root?.Element("metadata")?.Element(System.Xml.Linq.XName.Get("image", MetadataNamespace));
        return image?.Attribute("name")?.Value is { } name && image.Attribute("digest")?.Value is { } digest ? (name, digest) : null;
    }
}
