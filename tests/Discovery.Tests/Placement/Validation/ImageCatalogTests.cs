using Discovery.Model;
using Discovery.Validation;

namespace Discovery.Tests.Placement.Validation;

/// <summary>Tenants name images, never files: the operator's allow-list, and the safe default without one.</summary>
public sealed class ImageCatalogTests
{
    private static readonly ImageCatalog Listed = new(new Dictionary<string, string>
    {
        ["debian-12"] = "/var/lib/discovery/images/debian-12.qcow2",
        ["alpine"] = "/var/lib/discovery/images/alpine.qcow2",
    });

    [Theory]
    [InlineData("/etc/shadow", "'/etc/shadow' is a path; name one of: alpine, debian-12")]
    [InlineData("../other/disk.qcow2", "'../other/disk.qcow2' is a path; name one of: alpine, debian-12")]
    [InlineData("images/x", "'images/x' is a path; name one of: alpine, debian-12")]
    [InlineData("~root", "'~root' is a path; name one of: alpine, debian-12")]
    [InlineData("C:disk", "'C:disk' is a path; name one of: alpine, debian-12")]
    [InlineData("ubuntu", "'ubuntu' is not a known image; name one of: alpine, debian-12")]
    [InlineData("a b", "'a b' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64); name one of: alpine, debian-12")]
    [InlineData("", "must not be empty; name one of: alpine, debian-12")]
    public void An_allow_list_refuses_paths_and_unknown_names_listing_its_names(string image, string expected)
    {
        Assert.Equal(expected, Listed.Problem(image));
        Assert.Equal("image " + expected, Assert.Throws<ArgumentException>(() => Listed.Resolve(image)).Message);
    }

    [Fact]
    public void An_allow_listed_name_resolves_to_its_file()
    {
        Assert.Null(Listed.Problem("alpine"));
        Assert.Equal("/var/lib/discovery/images/alpine.qcow2", Listed.Resolve("alpine"));
        Assert.Equal(["alpine", "debian-12"], Listed.Names);
    }

    [Theory]
    [InlineData("/etc/shadow", "'/etc/shadow' is a path; name an image (e.g. debian-12), never a file")]
    [InlineData("..", "'..' is a path; name an image (e.g. debian-12), never a file")]
    [InlineData("a..b", "'a..b' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)")]
    public void Without_an_allow_list_paths_are_still_refused(string image, string expected) =>
        Assert.Equal(expected, ImageCatalog.Open.Problem(image));

    [Fact]
    public void Without_an_allow_list_any_plain_name_boots_without_a_disk()
    {
        Assert.Null(ImageCatalog.Open.Problem("anything-1.2_x"));
        Assert.Null(ImageCatalog.Open.Resolve("anything-1.2_x"));
        Assert.False(ImageCatalog.Open.HasAllowList);
    }

    [Fact]
    public void An_allow_list_with_bad_names_or_relative_paths_is_refused_at_start()
    {
        var bad = new Dictionary<string, string> { ["ok"] = "/images/ok.qcow2", ["rel"] = "images/rel.qcow2", ["up"] = "/images/../etc/shadow", ["a/b"] = "/images/ab.qcow2" };
        Assert.Equal([
                "Images:a/b: 'a/b' is not an image name (a letter or digit, then letters, digits, '.', '_' or '-', at most 64)",
                "Images:rel: 'images/rel.qcow2' is not an absolute path such as /var/lib/discovery/images/rel.qcow2",
                "Images:up: '/images/../etc/shadow' is not an absolute path such as /var/lib/discovery/images/up.qcow2",
            ], ImageCatalog.Problems(bad));
        Assert.Throws<ArgumentException>(() => new ImageCatalog(bad));
    }

    [Fact]
    public void The_spec_validator_names_the_vm_field_and_the_known_images()
    {
        var spec = new VeSpec("ve", [new("web1", 1, 512, "debian-12"), new("web2", 1, 512, "/etc/shadow"), new("web3", 1, 512, "centos")], []);
        Assert.Equal([
                "vms[1].image: '/etc/shadow' is a path; name one of: alpine, debian-12",
                "vms[2].image: 'centos' is not a known image; name one of: alpine, debian-12",
            ], VeSpecValidator.Validate(spec, images: Listed).Select(p => p.ToString()));
        Assert.Equal(["vms[1].image: '/etc/shadow' is a path; name an image (e.g. debian-12), never a file"],
            VeSpecValidator.Validate(spec).Select(p => p.ToString()));
    }

    [Fact]
    public void The_catalogue_s_names_are_the_only_ones_a_ve_may_boot_even_when_the_tenant_may_boot_none()
    {
        Assert.Null(ImageCatalog.Of(["alpine", "debian-12"]).Problem("debian-12"));
        Assert.Equal("'alice-app' is not a known image; name one of: alpine, debian-12", ImageCatalog.Of(["alpine", "debian-12"]).Problem("alice-app"));
        // A tenant who sees no image (only other tenants' private ones exist): strict all the same, not "any plain name".
        Assert.Equal("'alice-app' is not a known image: there is no image you may boot (discovery image push adds one)", ImageCatalog.Of([]).Problem("alice-app"));
        Assert.Null(ImageCatalog.Of(["debian-12"]).Resolve("debian-12")); // a name, never a file
    }
}
