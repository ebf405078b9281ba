using System.Net;
using Discovery.Cli.Certs;
using Discovery.Client;
using Discovery.Security;

namespace Discovery.Cli.Bench;

/// <summary>
/// An in-process cluster run as production runs it (<c>--secure</c> of <c>bench ve</c> and <c>simulate</c>): mutual TLS between
/// the silos from a throwaway CA, and Discovery's security (tokens checked on every call from outside, the internal mark on
/// the silos' own calls). What the run's driver submits carries an operator's token, so each of its calls is validated.
/// </summary>
public sealed class SecureCluster : IDisposable
{
    private readonly string _directory;

    private SecureCluster(string directory, ClusterCertificates certificates, SecurityOptions security, string operatorToken) =>
        (_directory, Certificates, Security, OperatorToken) = (directory, certificates, security, operatorToken);

    public ClusterCertificates Certificates { get; }

    public SecurityOptions Security { get; }

    /// <summary>The token the run's calls carry.</summary>
    public string OperatorToken { get; }

    public static SecureCluster Create()
    {
        var directory = Directory.CreateTempSubdirectory("discovery-secure-").FullName;
        var now = DateTimeOffset.UtcNow;
        CertificateAuthority.WriteAuthority(directory, "CN=discovery bench CA", now, TimeSpan.FromDays(1));
        var (certificate, key) = CertificateAuthority.WriteIssued(directory, "silo", ["localhost"], [IPAddress.Loopback], directory, now, TimeSpan.FromDays(1));
        var certificates = ClusterCertificates.Load(certificate, key, CertificateAuthority.CertificateFile(directory, CertificateAuthority.CaName));
        var clusterKey = ClusterKey.Create();
        var security = new SecurityOptions { ClusterKey = clusterKey };
        return new SecureCluster(directory, certificates, security, TokenIssuer.Issue(clusterKey, "bench", Role.Operator, null, TimeSpan.FromDays(1), now));
    }

    /// <summary>Applies TLS and security to one silo of the run.</summary>
    public void Apply(ISiloBuilder silo)
    {
        silo.UseTls(Certificates.Apply);
        silo.AddDiscoverySecurity(Security);
    }

    /// <summary>From here on (this async flow), calls carry the operator's token and are judged as a client's.</summary>
    public void ActAsOperator() => RequestContext.Set(CallerContext.TokenKey, OperatorToken);

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
