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
}
