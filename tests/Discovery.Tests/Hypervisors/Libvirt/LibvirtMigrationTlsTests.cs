using Discovery.Hypervisors;
using Discovery.Hypervisors.Libvirt;
using Discovery.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Discovery.Tests.Hypervisors.Libvirt;

/// <summary><c>Discovery:Libvirt:MigrateTls</c> adds <c>VIR_MIGRATE_TLS</c> (1 &lt;&lt; 16 in libvirt's virDomainMigrateFlags) to every migration.</summary>
public sealed class LibvirtMigrationTlsTests
{
    // VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE
    private const uint Plain = 1 | 2 | 8 | 16;
    private const uint Tls = 1 << 16;

    [Fact]
    public void The_flags_carry_VIR_MIGRATE_TLS_only_when_asked()
    {
        Assert.Equal(Plain, LibvirtHypervisor.FlagsFor(tls: false));
        Assert.Equal(Plain | Tls, LibvirtHypervisor.FlagsFor(tls: true));
    }

    [SkippableFact]
    public async Task A_connection_opened_without_the_setting_migrates_in_clear()
    {
        Requires.Libvirt();
        await using var h = await LibvirtHypervisor.OpenAsync("default", "test:///default");
        Assert.Equal(Plain, h.MigrationFlags);
    }

    [SkippableFact]
    public async Task The_silo_setting_reaches_the_flags_its_nodes_migrate_with()
    {
        Requires.Libvirt();
        await using var silo = await InProcessSilo.StartAsync("Hypervisor=Libvirt", "Libvirt:Nodes:pm-1=test:///default", "Libvirt:MigrateTls=true",
            "Scheduling:Enabled=false");
        var hypervisor = Assert.IsType<LibvirtHypervisor>(silo.Services.GetRequiredService<HypervisorDirectory>().Get("pm-1"));
        Assert.Equal(Plain | Tls, hypervisor.MigrationFlags);
    }
}
