using Discovery.Silo.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Discovery.Tests.Silo.Configuration.ConfigurationReading;

namespace Discovery.Tests.Silo.Configuration;

public sealed class DiscoveryConfigurationTests
{
    [Fact]
    public void Defaults_are_the_embedded_single_silo()
    {
        var (s, problems) = Read();
        Assert.Empty(problems);
        Assert.Equal(ClusteringKind.Localhost, s.Clustering);
        Assert.Equal(StorageKind.Memory, s.Storage);
        Assert.Equal(HypervisorKind.Simulated, s.Hypervisor);
        Assert.Equal("http://127.0.0.1:8080", s.Urls);
        Assert.Equal((32, 10), (s.Simulated.Nodes, s.Simulated.VmsPerNode));
        Assert.True(s.Simulated.LoadInjector);
    }

    [Fact]
    public void The_pressure_threshold_is_read_off_at_zero_and_named_when_it_is_not_above_the_headroom_target()
    {
        Assert.Equal(0.93, Read().Settings.Scheduling.ToDvmsOptions().PressureThreshold);
        Assert.Equal(0.97, Read(("Discovery:Scheduling:PressureThreshold", "0.97")).Settings.Scheduling.ToDvmsOptions().PressureThreshold);
        Assert.Null(Read(("Discovery:Scheduling:PressureThreshold", "0")).Settings.Scheduling.ToDvmsOptions().PressureThreshold);
        Assert.Equal(["Discovery:Scheduling:PressureThreshold: must be above HeadroomTarget (0.9), got 0.85: a relieved node must land under it"],
            Read(("Discovery:Scheduling:PressureThreshold", "0.85")).Problems);
    }

    [Fact]
    public void The_multi_site_keys_are_read_and_each_bad_one_is_named()
    {
        var (good, none) = Read(("Discovery:Simulated:Sites", "3"), ("Discovery:Simulated:Slices", "3"), ("Discovery:Simulated:Slice", "2"),
            ("Discovery:Scheduling:SiteDistances:paris:lyon", "1"), ("Discovery:Scheduling:CrossSiteWeight", "4"), ("Discovery:Scheduling:SiloLossGraceSeconds", "60"));
        Assert.Empty(none);
        Assert.Equal((2, 3), (good.Simulated.Slice, good.Simulated.Slices));
        Assert.Equal(["node-0022", "node-0031"], new[] { good.NodeNames().First(), good.NodeNames().Last() });
        var dvms = good.Scheduling.ToDvmsOptions();
        Assert.Equal((1.0, 4.0, TimeSpan.FromSeconds(60)), (dvms.SiteDistances["paris"]["lyon"], dvms.CrossSiteWeight, dvms.SiloLossGrace));

        var (_, problems) = Read(("Discovery:Simulated:Sites", "2"), ("Discovery:Simulated:Slices", "3"),
            ("Discovery:Scheduling:SiteDistances:paris:lyon", "1"), ("Discovery:Scheduling:SiteDistances:lyon:paris", "2"));
        Assert.Equal([
            "Discovery:Scheduling:SiteDistances:lyon:paris: 2 one way and 1 the other; a distance holds both ways, give it once",
            "Discovery:Simulated:Slices: 3 slices of 2 site(s); each silo simulates whole sites, so at most 2",
        ], problems.Order(StringComparer.Ordinal));
        Assert.Equal(["Discovery:Simulated:Slice: 3 is not one of the 3 slices (0 to 2)"],
            Read(("Discovery:Simulated:Sites", "4"), ("Discovery:Simulated:Slices", "3"), ("Discovery:Simulated:Slice", "3")).Problems);

        var (_, libvirt) = Read(("Discovery:Hypervisor", "Libvirt"), ("Discovery:Libvirt:Nodes:pm-1", "qemu:///system"),
            ("Discovery:Libvirt:MigrationUris:pm-9", "pm-9:16509"), ("Discovery:Libvirt:DomainType", "kvmm"));
        Assert.Equal([
            "Discovery:Libvirt:DomainType: 'kvmm' is not one of kvm, qemu, test",
            "Discovery:Libvirt:MigrationUris:pm-9: 'pm-9:16509' is not a libvirt URI such as qemu+tcp://pm-1/system",
        ], libvirt.Order(StringComparer.Ordinal));
        // A node of another silo is listed with the URI it must publish.
        Assert.Empty(Read(("Discovery:Hypervisor", "Libvirt"), ("Discovery:Libvirt:Nodes:pm-1", "qemu:///system"),
            ("Discovery:Libvirt:MigrationUris:pm-9", "qemu+tls://pm-9/system")).Problems);
    }

    [Fact]
    public void An_infrastructure_file_gives_the_simulated_nodes_and_its_errors_name_the_key()
    {
        var dir = Directory.CreateTempSubdirectory("discovery-infra-").FullName;
        try
        {
            var good = Path.Combine(dir, "seed.infra");
            File.WriteAllText(good, "WN[1..11] : {cores: 8, memory: 32GiB, site: \"rennes\"};\nSN1 : {cores: 16, memory: 64GiB, site: \"nantes\"};\n");
            var (s, problems) = Read(("Discovery:Simulated:Infrastructure", good), ("Discovery:Simulated:VmsPerNode", "0"));
            Assert.Empty(problems);
            Assert.Equal([.. Enumerable.Range(1, 11).Select(i => $"WN{i}"), "SN1"], s.NodeNames());
            var dc = s.Simulated.Build(TimeProvider.System);
            Assert.Equal(["rennes", "nantes"], dc.Hypervisors.Select(h => h.Site).Distinct());
            Assert.Equal(0, dc.VmCount);

            var bad = Path.Combine(dir, "bad.infra");
            File.WriteAllText(bad, "WN1 : {cores: 8};\n");
            Assert.Equal([$"Discovery:Simulated:Infrastructure: {bad}:1:1: missing property memory"], Read(("Discovery:Simulated:Infrastructure", bad)).Problems);
            Assert.Equal([$"Discovery:Simulated:Infrastructure: no file '{Path.Combine(dir, "none.infra")}'"],
                Read(("Discovery:Simulated:Infrastructure", Path.Combine(dir, "none.infra"))).Problems);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bad_values_name_their_key()
    {
        var (_, problems) = Read(
            ("Discovery:Clustering", "Zookeeper"),
            ("Discovery:Simulated:Nodes", "-3"),
            ("Discovery:Simulated:Speedup", "fast"),
            ("Discovery:Simulated:LoadInjector", "maybe"),
            ("Discovery:Urls", "ftp://x"));
        Assert.Contains("Discovery:Clustering: 'Zookeeper' is not one of Localhost, PostgreSql", problems);
        Assert.Contains("Discovery:Simulated:Nodes: '-3' is not a whole number within 1..1000000", problems);
        Assert.Contains("Discovery:Simulated:Speedup: 'fast' is not a number within 1..100000", problems);
        Assert.Contains("Discovery:Simulated:LoadInjector: 'maybe' is not true or false", problems);
        Assert.Contains(problems, p => p.StartsWith("Discovery:Urls: 'ftp://x'"));
        Assert.Equal(5, problems.Count);
    }

    [Fact]
    public void PostgreSql_needs_a_connection_string()
    {
        var (_, problems) = Read(("Discovery:Clustering", "postgresql"));
        Assert.Single(problems, p => p.StartsWith("Discovery:ConnectionString: required"));
        var (s, ok) = Read(("Discovery:Clustering", "PostgreSql"), ("Discovery:ConnectionString", "Host=127.0.0.1"));
        Assert.Empty(ok);
        Assert.Equal(ClusteringKind.PostgreSql, s.Clustering);
        var (_, storageWithout) = Read(("Discovery:Storage", "PostgreSql"));
        Assert.Single(storageWithout, p => p.StartsWith("Discovery:ConnectionString: required"));
        var (st, storage) = Read(("Discovery:Storage", "PostgreSql"), ("Discovery:ConnectionString", "Host=127.0.0.1"));
        Assert.Empty(storage);
        Assert.Equal(StorageKind.PostgreSql, st.Storage);
    }

    [Fact]
    public void Libvirt_needs_nodes_with_uris()
    {
        var (_, none) = Read(("Discovery:Hypervisor", "Libvirt"));
        Assert.Single(none, p => p.StartsWith("Discovery:Libvirt:Nodes: name at least one node"));
        var (s, problems) = Read(("Discovery:Hypervisor", "Libvirt"), ("Discovery:Libvirt:Nodes:pm-1", "qemu+ssh://pm-1/system"), ("Discovery:Libvirt:Nodes:pm-2", "pm-2"));
        Assert.Equal(["Discovery:Libvirt:Nodes:pm-2: 'pm-2' is not a libvirt URI such as qemu:///system or test:///default"], problems);
        Assert.Equal("qemu+ssh://pm-1/system", s.LibvirtNodes["pm-1"]);
    }

    [Fact]
    public void Numbers_as_enum_values_are_refused()
    {
        var (_, problems) = Read(("Discovery:Hypervisor", "7"));
        Assert.Equal(["Discovery:Hypervisor: '7' is not one of Simulated, Libvirt"], problems);
    }

    [Fact]
    public void Scheduling_keys_keep_their_names_and_reach_the_grains_options()
    {
        var (s, problems) = Read(
            ("Discovery:Scheduling:SolverTimeLimitSeconds", "5"),
            ("Discovery:Scheduling:LeaseRenewalSeconds", "0.25"),
            ("Discovery:Scheduling:UnderloadThreshold", "0.2"),
            ("Discovery:Scheduling:Enabled", "false"),
            ("Discovery:Scheduling:Solver", "greedy"),
            ("Discovery:Simulated:Nodes", "64"));
        Assert.Empty(problems);
        var dvms = s.Scheduling.ToDvmsOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), dvms.SolverTimeLimit);
        Assert.Equal(TimeSpan.FromSeconds(0.25), dvms.LeaseRenewalPeriod);
        Assert.Equal(0.2, dvms.UnderloadThreshold);
        Assert.False(dvms.Enabled);
        Assert.Equal("greedy", dvms.Solver.ToString(), ignoreCase: true);
        Assert.Equal(64, s.Simulated.Nodes);
        Assert.Null(Read(("Discovery:Scheduling:UnderloadThreshold", " ")).Settings.Scheduling.UnderloadThreshold);
    }

    [Fact]
    public void Scheduling_rules_name_the_key()
    {
        var (_, problems) = Read(
            ("Discovery:Scheduling:LeaseRenewalSeconds", "2"),
            ("Discovery:Scheduling:LeaseTimeoutSeconds", "1"),
            ("Discovery:Scheduling:Solver", "magic"),
            ("Discovery:Scheduling:UnderloadThreshold", "1.5"));
        Assert.Contains("Discovery:Scheduling:Solver: 'magic' is not one of cpsat, greedy", problems);
        Assert.Contains(problems, p => p.StartsWith("Discovery:Scheduling:LeaseTimeout: must exceed LeaseRenewalPeriod"));
        Assert.Contains("Discovery:Scheduling:UnderloadThreshold: '1.5' is not a number within 0.001..0.999", problems);
        Assert.Equal(3, problems.Count);
        Assert.Equal(["Discovery:Site: must not be empty"], Read(("Discovery:Site", "")).Problems);
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_the_same_problems()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Discovery:Hypervisor", "vmware"), new("Discovery:Simulated:Nodes", "0"), new("Discovery:SiloPort", "30000")])
            .Build();
        DiscoveryConfiguration.Load(configuration, out var problems);
        Assert.Equal(3, problems.Count);
        using var host = new HostBuilder().ConfigureServices(services => services.AddDiscoveryOptions(configuration)).Build();
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(problems, refused.Failures);
    }
}
