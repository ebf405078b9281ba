using System.Net;
using System.Security.Cryptography.X509Certificates;
using Discovery.Cli;
using Discovery.Cli.Certs;
using Discovery.Client;

namespace Discovery.Tests.Cli;

/// <summary><c>discovery certs ca</c> and <c>issue</c>: a private CA and certificates that chain to it and nowhere else.</summary>
public sealed class CertsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("discovery-certs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Run(params string[] args) => DiscoveryCommand.Build().Parse(args).Invoke();

    [Fact]
    public void Ca_then_issue_write_a_certificate_for_both_ends_signed_by_the_ca_with_keys_only_the_owner_reads()
    {
        var ca = Path.Combine(_dir, "ca");
        var silo = Path.Combine(_dir, "silo");
        Assert.Equal(0, Run("certs", "ca", "--out", ca));
        Assert.Equal(0, Run("certs", "issue", "--ca", ca, "--name", "silo-rennes", "--dns", "rennes-1.example", "--ip", "10.0.3.5", "--out", silo));

        Assert.Equal(["ca.key", "ca.pem"], Directory.GetFiles(ca).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["silo-rennes.key", "silo-rennes.pem"], Directory.GetFiles(silo).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var key in new[] { Path.Combine(ca, "ca.key"), Path.Combine(silo, "silo-rennes.key") })
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));

        using var authority = ClusterCertificates.LoadAuthority(Path.Combine(ca, "ca.pem"));
        var constraints = Assert.Single(authority.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.Equal((true, true, 0), (constraints.CertificateAuthority, constraints.HasPathLengthConstraint, constraints.PathLengthConstraint));

        var loaded = ClusterCertificates.Load(Path.Combine(silo, "silo-rennes.pem"), Path.Combine(silo, "silo-rennes.key"), Path.Combine(ca, "ca.pem"));
        using var certificate = loaded.Certificate;
        Assert.Equal("CN=silo-rennes", certificate.Subject);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        var names = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["rennes-1.example"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.3.5")], names.EnumerateIPAddresses());
        using var publicKey = certificate.GetECDsaPublicKey();
        Assert.Equal("1.2.840.10045.3.1.7", publicKey!.ExportParameters(false).Curve.Oid.Value); // P-256
    }

    [Fact]
    public void A_certificate_of_another_ca_does_not_chain_to_this_one()
    {
        var now = DateTimeOffset.UtcNow;
        using var cluster = CertificateAuthority.CreateAuthority("cluster", now, TimeSpan.FromDays(10));
        using var other = CertificateAuthority.CreateAuthority("other", now, TimeSpan.FromDays(10));
        using var member = CertificateAuthority.Issue(cluster, "member", [], [], now, TimeSpan.FromDays(1));
        using var stranger = CertificateAuthority.Issue(other, "stranger", [], [], now, TimeSpan.FromDays(1));
        Assert.True(ClusterCertificates.ChainsTo(member, cluster));
        Assert.False(ClusterCertificates.ChainsTo(stranger, cluster));
        // A certificate of another CA with the cluster CA's very name is still a stranger.
        using var lookalike = CertificateAuthority.CreateAuthority("cluster", now, TimeSpan.FromDays(10));
        using var forged = CertificateAuthority.Issue(lookalike, "member", [], [], now, TimeSpan.FromDays(1));
        Assert.False(ClusterCertificates.ChainsTo(forged, cluster));
    }

    [Fact]
    public void An_expired_certificate_does_not_chain()
    {
        var now = DateTimeOffset.UtcNow;
        using var cluster = CertificateAuthority.CreateAuthority("cluster", now.AddDays(-30), TimeSpan.FromDays(60));
        using var expired = CertificateAuthority.Issue(cluster, "old", [], [], now.AddDays(-20), TimeSpan.FromDays(1));
        Assert.False(ClusterCertificates.ChainsTo(expired, cluster));
    }

    [Fact]
    public void Issue_never_overwrites_a_key_and_needs_the_ca()
    {
        var ca = Path.Combine(_dir, "ca");
        Assert.Equal(ClusterConnection.Invalid, Run("certs", "issue", "--ca", ca, "--name", "silo-1"));
        Assert.Equal(0, Run("certs", "ca", "--out", ca));
        var key = File.ReadAllText(Path.Combine(ca, "ca.key"));
        Assert.Equal(ClusterConnection.Invalid, Run("certs", "ca", "--out", ca));
        Assert.Equal(key, File.ReadAllText(Path.Combine(ca, "ca.key")));
        Assert.Equal(0, Run("certs", "issue", "--ca", ca, "--name", "silo-1"));
        Assert.Equal(ClusterConnection.Invalid, Run("certs", "issue", "--ca", ca, "--name", "silo-1"));
    }

    [Theory]
    [InlineData("certs", "issue", "--ca", "x", "--name", "../escape")]
    [InlineData("certs", "issue", "--ca", "x", "--name", "a", "--ip", "not-an-ip")]
    [InlineData("certs", "ca", "--out", "x", "--days", "0")]
    public void Bad_arguments_are_refused_before_anything_is_written(params string[] args)
    {
        Assert.NotEqual(0, Run(args));
        Assert.False(Directory.Exists("x"));
    }
}
