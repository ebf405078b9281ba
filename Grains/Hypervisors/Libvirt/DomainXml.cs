using System.Security;
using Discovery.Model;

namespace Discovery.Hypervisors.Libvirt;

/// <summary>Builds the libvirt domain XML for a VM spec.</summary>
public static class DomainXml
{
    /// <summary>
    /// A minimal domain: name, memory, vCPUs, and the image as a disk when it is a path.
    /// <paramref name="domainType"/> is the driver's type: <c>test</c> for the test driver, <c>kvm</c> for QEMU/KVM.
    /// </summary>
    public static string For(VmSpec vm, string domainType)
    {
        var disk = vm.Image.StartsWith('/')
            ? $"""
                <devices>
                  <disk type='file' device='disk'>
                    <driver name='qemu' type='qcow2'/>
                    <source file='{SecurityElement.Escape(vm.Image)}'/>
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
            {disk}
            </domain>
            """;
    }
}
