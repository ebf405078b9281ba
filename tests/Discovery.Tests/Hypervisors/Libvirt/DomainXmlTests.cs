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
