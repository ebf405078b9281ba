using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;
using Discovery.Model;
using Discovery.Tests.Support;
using Discovery.Validation;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary>A domain's disk is the allow-list's file for the VM's image, never a path the VM's spec names.</summary>
public sealed class DomainXmlTests : IDisposable
{
    private static readonly ImageCatalog Images = new(new Dictionary<string, string> { ["debian-12"] = "/var/lib/discovery/images/debian-12.qcow2" });
    private readonly TestNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public void The_disk_is_the_file_the_allow_list_gives()
    {
        var xml = DomainXml.For(new VmSpec("web1", 1, 512, "debian-12"), "kvm", Images.Resolve("debian-12"));
        Assert.Contains("<source file='/var/lib/discovery/images/debian-12.qcow2'/>", xml, StringComparison.Ordinal);
        Assert.Contains("<description>discovery image=debian-12</description>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_file_there_is_no_disk()
    {
        var xml = DomainXml.For(new VmSpec("web1", 1, 512, "debian-12"), "test");
        Assert.DoesNotContain("<disk", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_that_is_a_path_never_becomes_a_domain()
    {
        var e = Assert.Throws<ArgumentException>(() => DomainXml.For(new VmSpec("web1", 1, 512, "/etc/shadow"), "kvm"));
        Assert.Equal("image '/etc/shadow' is a path: a VM names an image, the allow-list gives its file", e.Message);
    }

    private static readonly VmDisk DirectBoot = new("busybox", "d1", "/pool/vm-web1.qcow2", "/pool/base-b1.raw", "raw",
        "/pool/kernel-k1", "/pool/initrd-i1", "root=/dev/vda rw quiet");

    [Fact]
    public void An_image_of_the_catalogue_boots_the_vms_overlay_over_its_base_as_virtio_vda()
    {
        var xml = DomainXml.For(new VmSpec("web1", 1, 128, "busybox"), "qemu", DirectBoot);
        Assert.Contains("""
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/pool/vm-web1.qcow2'/>
                  <backingStore type='file'><format type='raw'/><source file='/pool/base-b1.raw'/><backingStore/></backingStore>
                  <target dev='vda' bus='virtio'/>
                </disk>
            """, xml, StringComparison.Ordinal);
        Assert.Equal(1, xml.Split("<disk ").Length - 1);
    }

    [Fact]
    public void A_direct_boot_names_its_kernel_initrd_and_command_line_with_the_serial_console()
    {
        var xml = DomainXml.For(new VmSpec("web1", 1, 128, "busybox"), "qemu", DirectBoot);
        Assert.Contains("<os><type>hvm</type><kernel>/pool/kernel-k1</kernel><initrd>/pool/initrd-i1</initrd><cmdline>root=/dev/vda rw quiet console=ttyS0</cmdline></os>",
            xml, StringComparison.Ordinal);
        var fromDisk = DomainXml.For(new VmSpec("web1", 1, 128, "busybox"), "qemu", DirectBoot with { Kernel = null, Initrd = null, CommandLine = null });
        Assert.Contains("<os><type>hvm</type><boot dev='hd'/></os>", fromDisk, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "console=ttyS0")]
    [InlineData("root=/dev/vda", "root=/dev/vda console=ttyS0")]
    [InlineData("console=ttyS0 root=/dev/vda", "console=ttyS0 root=/dev/vda")]
    [InlineData("console=ttyS0,115200", "console=ttyS0,115200 console=ttyS0")]
    public void The_kernel_always_writes_to_the_serial_console(string? commandLine, string expected) =>
        Assert.Equal(expected, DomainXml.WithSerialConsole(commandLine));

    [Fact]
    public void The_serial_console_is_a_pty_logged_per_vm_and_is_the_console()
    {
        var xml = DomainXml.For(new VmSpec("web1", 1, 128, "busybox"), "qemu", DirectBoot);
        Assert.Contains("<serial type='pty'><log file='/var/log/libvirt/qemu/web1-console.log' append='on'/><target port='0'/></serial>", xml, StringComparison.Ordinal);
        Assert.Contains("<console type='pty'><target type='serial' port='0'/></console>", xml, StringComparison.Ordinal);
        Assert.Contains("<on_poweroff>destroy</on_poweroff>", xml, StringComparison.Ordinal);
        Assert.Contains("<on_crash>destroy</on_crash>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_domain_records_its_image_and_version_for_a_migrations_destination()
    {
        var xml = DomainXml.For(new VmSpec("web1", 1, 128, "busybox"), "qemu", DirectBoot);
        Assert.Equal(("busybox", "d1"), DomainXml.ImageOf(xml));
        Assert.Null(DomainXml.ImageOf(DomainXml.For(new VmSpec("web1", 1, 128, "busybox"), "qemu")));
    }

    [Fact]
    public void A_vm_id_that_would_leave_the_console_directory_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => DomainXml.For(new VmSpec("../x", 1, 128, "busybox"), "qemu", DirectBoot));
        Assert.Equal("VM id '../x' would name a file outside the console log directory", e.Message);
    }

    [SkippableFact]
    public async Task A_node_refuses_a_path_or_an_unknown_image_even_from_a_spec_that_skipped_validation()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("pm-a", _nodes.Create("pm-a"), images: Images);

        var path = await Assert.ThrowsAsync<HypervisorException>(() => h.DefineAsync(new VmSpec("evil", 1, 512, "/etc/shadow")));
        Assert.Equal((HypervisorErrorKind.InvalidDefinition, "[pm-a] define 'evil': image '/etc/shadow' is a path; name one of: debian-12"), (path.Kind, path.Message));
        var unknown = await Assert.ThrowsAsync<HypervisorException>(() => h.DefineAsync(new VmSpec("other", 1, 512, "centos")));
        Assert.Equal("[pm-a] define 'other': image 'centos' is not a known image; name one of: debian-12", unknown.Message);
        Assert.Empty(await h.ListVmsAsync());

        await h.DefineAsync(new VmSpec("good", 1, 512, "debian-12"));
        Assert.Equal(["good"], (await h.ListVmsAsync()).Select(v => v.Id));
    }
}
