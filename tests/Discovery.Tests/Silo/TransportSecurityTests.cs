using System.Net;
using System.Security.Cryptography.X509Certificates;
using Discovery.Cli.Certs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;
using Discovery.Client;
using Discovery.Tests.Support;
using static Discovery.Tests.Support.SiloProcess;

namespace Discovery.Tests.Silo;

/// <summary>
/// Certificates as <c>discovery certs</c> writes them, in a temporary directory: the cluster's CA and a silo and a
/// client it signed; another CA and a client that one signed.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("discovery-tls-").FullName;
        var now = DateTimeOffset.UtcNow;
        var year = TimeSpan.FromDays(365);
        var (cluster, other) = (Path.Combine(Directory, "cluster"), Path.Combine(Directory, "other"));
        CaFile = CertificateAuthority.WriteAuthority(cluster, "Test cluster CA", now, year).Certificate;
        Silo = CertificateAuthority.WriteIssued(cluster, "silo-1", ["localhost"], [IPAddress.Loopback], cluster, now, year);
        Client = CertificateAuthority.WriteIssued(cluster, "operator", [], [], cluster, now, year);
        OtherCaFile = CertificateAuthority.WriteAuthority(other, "Another CA", now, year).Certificate;
        Intruder = CertificateAuthority.WriteIssued(other, "intruder", [], [], other, now, year);
    }

    public string Directory { get; }
    public string CaFile { get; }
    public string OtherCaFile { get; }
    public (string Certificate, string Key) Silo { get; }
    public (string Certificate, string Key) Client { get; }
    public (string Certificate, string Key) Intruder { get; }

    /// <summary>The silo keys of <see cref="Silo"/> (settings under <c>Discovery:</c>).</summary>
    public string[] SiloSettings => [$"Tls:CertificateFile={Silo.Certificate}", $"Tls:KeyFile={Silo.Key}", $"Tls:CaFile={CaFile}"];

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>A silo with mutual TLS on its gateway (localhost clustering, in this process), shared by the client checks.</summary>
public sealed class TlsSilo : IAsyncLifetime
{
    public TestCertificates Certificates { get; } = new();
    public int GatewayPort { get; } = FreePort();
    private InProcessSilo? _silo;

    public async Task InitializeAsync() =>
        _silo = await InProcessSilo.StartAsync([.. Certificates.SiloSettings, $"GatewayPort={GatewayPort}", "Simulated:Nodes=2", "Simulated:LoadInjector=false", "Scheduling:Enabled=false"]);

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
        Certificates.Dispose();
    }

    public DiscoveryClientOptions Client(string? certificate, string? key, string? ca) => new()
    {
        GatewayPort = GatewayPort, TlsCertificateFile = certificate, TlsKeyFile = key, TlsCaFile = ca, ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}

/// <summary>The gateway takes only clients whose certificate the cluster's CA signed, and they take only a silo it signed.</summary>
public sealed class GatewayTlsTests(TlsSilo silo) : IClassFixture<TlsSilo>
{
    private TestCertificates Certs => silo.Certificates;

    [Fact]
    public async Task A_client_with_a_certificate_of_the_cluster_CA_reaches_a_grain()
    {
        await using var client = await DiscoveryClient.ConnectAsync(silo.Client(Certs.Client.Certificate, Certs.Client.Key, Certs.CaFile));
        Assert.Equal(["node-0000", "node-0001"], (await client.ListNodesAsync()).Select(n => n.Node).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_plain_client_is_refused()
    {
        await Assert.ThrowsAsync<DiscoveryUnavailableException>(() => DiscoveryClient.ConnectAsync(silo.Client(null, null, null)));
    }

    [Fact]
    public async Task A_client_whose_certificate_another_CA_signed_is_refused_by_the_silo()
    {
        // The library would not even load a certificate that does not chain to the CA it is given; a hostile client
        // would: this one presents the other CA's certificate and trusts the silo, so only the silo can refuse it.
        using var intruder = ClusterCertificates.LoadCertificate(Certs.Intruder.Certificate, Certs.Intruder.Key);
        using var cluster = ClusterCertificates.LoadAuthority(Certs.CaFile);
        await Assert.ThrowsAnyAsync<Exception>(() => RawClientAsync(intruder, cluster));
        // The same client with the cluster's certificate gets through: what refused the intruder is its certificate.
        using var member = ClusterCertificates.LoadCertificate(Certs.Client.Certificate, Certs.Client.Key);
        using var host = await RawClientAsync(member, cluster);
        Assert.Equal(2, (await DiscoveryClient.FromCluster(host.Services.GetRequiredService<IClusterClient>()).WithToken(TestSecurity.Operator).ListNodesAsync()).Count);
    }

    [Fact]
    public async Task A_client_refuses_a_silo_its_CA_did_not_sign()
    {
        // The silo would take this client (the cluster's CA signed it); the client trusts another CA only.
        using var member = ClusterCertificates.LoadCertificate(Certs.Client.Certificate, Certs.Client.Key);
        using var other = ClusterCertificates.LoadAuthority(Certs.OtherCaFile);
        await Assert.ThrowsAnyAsync<Exception>(() => RawClientAsync(member, other));
    }

    [Fact]
    public async Task The_library_refuses_a_client_certificate_its_CA_did_not_sign_before_connecting()
    {
        var e = await Assert.ThrowsAsync<DiscoveryException>(() =>
            DiscoveryClient.ConnectAsync(silo.Client(Certs.Intruder.Certificate, Certs.Intruder.Key, Certs.CaFile)));
        Assert.StartsWith($"TLS: '{Certs.Intruder.Certificate}' (CN=intruder) is not issued by the CA in '{Certs.CaFile}' (CN=Test cluster CA)", e.Message);
    }

    /// <summary>An Orleans client on the silo's gateway presenting <paramref name="certificate"/> and trusting <paramref name="trusted"/> only.</summary>
    private async Task<IHost> RawClientAsync(X509Certificate2 certificate, X509Certificate2 trusted)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(silo.GatewayPort, serviceId: "discovery", clusterId: "discovery");
            client.UseTls(o =>
            {
                o.LocalCertificate = certificate;
                o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                o.RemoteCertificateValidation = (peer, _, _) => ClusterCertificates.ChainsTo(peer, trusted);
            });
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await host.StartAsync(timeout.Token).WaitAsync(timeout.Token);
            // A connection the gateway drops after the handshake fails the first call instead.
            await DiscoveryClient.FromCluster(host.Services.GetRequiredService<IClusterClient>()).WithToken(TestSecurity.Operator).ListNodesAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task A_client_certificate_without_its_CA_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<DiscoveryException>(() => DiscoveryClient.ConnectAsync(silo.Client(Certs.Client.Certificate, Certs.Client.Key, null)));
        Assert.Equal("TLS needs both TlsCertificateFile and TlsCaFile (and TlsKeyFile unless the certificate file holds the key)", e.Message);
    }
}

/// <summary>Silos with mutual TLS form one cluster through PostgreSQL; without TLS a silo stays on loopback.</summary>
public sealed class SiloTlsTests
{
    [SkippableFact]
    public async Task Two_silos_with_mutual_tls_form_a_cluster_on_postgresql_and_a_tls_client_reaches_both()
    {
        await using var db = await PostgreSqlDatabase.CreateAsync();
        using var certs = new TestCertificates();
        string[] Settings(int slice) =>
        [
            .. certs.SiloSettings, "Clustering=PostgreSql", $"ConnectionString={db.ConnectionString}", "ClusterId=tls", $"Site=site-0{slice}",
            "Simulated:Nodes=2", "Simulated:Sites=2", "Simulated:Slices=2", $"Simulated:Slice={slice}", "Simulated:LoadInjector=false", "Scheduling:Enabled=false",
        ];
        await using var first = await InProcessSilo.StartAsync(Settings(0));
        await using var second = await InProcessSilo.StartAsync(Settings(1));

        await InProcessSilo.WaitUntil(async () => await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'tls' AND Status = 3") == 2,
            "both silos active in PostgreSQL");
        // Published on loopback: no Discovery:AdvertisedAddress was given.
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'tls' AND Address = '127.0.0.1'"));

        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            PostgreSqlConnectionString = db.ConnectionString, ClusterId = "tls",
            TlsCertificateFile = certs.Client.Certificate, TlsKeyFile = certs.Client.Key, TlsCaFile = certs.CaFile,
        });
        // Each node's grain lives on the silo that drives it: reading both crosses from one silo to the other.
        foreach (var node in new[] { "node-0000", "node-0001" })
            Assert.Equal(node, (await client.GetNodeAsync(node)).Node);
    }

    [Fact]
    public async Task A_non_loopback_address_without_tls_stops_the_silo_saying_why()
    {
        using var silo = StartSilo("--Discovery:Clustering=PostgreSql", "--Discovery:ConnectionString=Host=127.0.0.1;Database=unused",
            "--Discovery:ListenAddress=0.0.0.0", $"--Discovery:Urls=http://127.0.0.1:{FreePort()}");
        await silo.Process.WaitForExitAsync().WaitAsync(StartTimeout);
        Assert.Equal(2, silo.Process.ExitCode);
        var stderr = silo.Stderr.ToString();
        Assert.Contains("Discovery:ListenAddress: '0.0.0.0' is not a loopback address, and without TLS the silo and gateway ports let anyone who reaches them call every grain, " +
                        "so they bind to 127.0.0.1 only.", stderr);
        Assert.Contains("set Discovery:Tls:CertificateFile, Discovery:Tls:KeyFile and Discovery:Tls:CaFile", stderr);
    }
}
