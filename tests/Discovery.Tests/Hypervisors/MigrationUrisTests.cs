using Discovery.Hypervisors;
using Discovery.Silo.Configuration;
using Discovery.Silo.Hosting;

namespace Discovery.Tests.Hypervisors;

/// <summary>A migration goes to the URI a remote node publishes only when it is the one this silo's configuration gives for that node.</summary>
public sealed class MigrationUrisTests
{
    private static readonly MigrationUris Configured = new(new Dictionary<string, string> { ["pm-b"] = "qemu+tls://pm-b/system" });

    [Fact]
    public void The_configured_uri_is_accepted()
    {
        Assert.Null(Configured.Refusal("pm-b", "qemu+tls://pm-b/system"));
    }

    [Fact]
    public void Another_uri_is_refused_naming_both()
    {
        Assert.Equal("node pm-b publishes the migration URI 'qemu+tcp://attacker/system', not 'qemu+tls://pm-b/system' as Discovery:Libvirt:MigrationUris:pm-b gives",
            Configured.Refusal("pm-b", "qemu+tcp://attacker/system"));
        // Exact text: a case or a trailing slash is another URI.
        Assert.NotNull(Configured.Refusal("pm-b", "qemu+tls://pm-b/system/"));
    }

    [Fact]
    public void A_node_the_configuration_does_not_name_is_refused()
    {
        Assert.Equal("node pm-c publishes the migration URI 'qemu+tls://pm-c/system', but this silo's configuration gives none for it (set Discovery:Libvirt:MigrationUris:pm-c)",
            Configured.Refusal("pm-c", "qemu+tls://pm-c/system"));
        Assert.NotNull(MigrationUris.None.Refusal("pm-b", "qemu+tls://pm-b/system"));
    }

    [Fact]
    public void A_node_that_publishes_no_uri_is_handed_over_through_its_grain()
    {
        Assert.Null(MigrationUris.None.Refusal("node-0001", null));
    }

    [Fact]
    public void The_silo_expects_its_own_nodes_connection_uri_unless_a_migration_uri_is_given_and_other_silos_nodes_from_migration_uris()
    {
        var settings = new DiscoveryOptions
        {
            Hypervisor = HypervisorKind.Libvirt,
            LibvirtNodes = new Dictionary<string, string> { ["pm-a"] = "qemu:///system", ["pm-z"] = "qemu+ssh://pm-z/system" },
            LibvirtMigrationUris = new Dictionary<string, string> { ["pm-a"] = "qemu+tls://pm-a/system", ["pm-b"] = "qemu+tls://pm-b/system" },
        };
        Assert.Equal([("pm-a", "qemu+tls://pm-a/system"), ("pm-b", "qemu+tls://pm-b/system"), ("pm-z", "qemu+ssh://pm-z/system")],
            HypervisorSetup.ConfiguredMigrationUris(settings).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
    }
}
