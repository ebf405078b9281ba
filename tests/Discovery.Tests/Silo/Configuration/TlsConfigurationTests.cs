using Discovery.Silo.Configuration;
using Discovery.Tests.Silo;
using static Discovery.Tests.Silo.Configuration.ConfigurationReading;

namespace Discovery.Tests.Silo.Configuration;

/// <summary>The Discovery:Tls keys and the addresses they allow, checked before the silo starts, each problem naming its key.</summary>
public sealed class TlsConfigurationTests : IDisposable
{
    private readonly TestCertificates _certs = new();

    public void Dispose() => _certs.Dispose();

    private static (string, string)[] PostgreSql => [("Discovery:Clustering", "PostgreSql"), ("Discovery:ConnectionString", "Host=db")];

    private (string, string)[] Tls => [("Discovery:Tls:CertificateFile", _certs.Silo.Certificate), ("Discovery:Tls:KeyFile", _certs.Silo.Key), ("Discovery:Tls:CaFile", _certs.CaFile)];

    [Fact]
    public void Without_tls_the_silo_stays_on_loopback()
    {
        var (settings, problems) = Read(PostgreSql);
        Assert.Empty(problems);
        Assert.Equal(("127.0.0.1", "127.0.0.1"), (SiloEndpoints.Advertised(settings).ToString(), SiloEndpoints.Listening(settings).ToString()));
        Assert.Empty(Read([.. PostgreSql, ("Discovery:AdvertisedAddress", "127.0.0.2")]).Problems);
    }

    [Fact]
    public void A_non_loopback_address_needs_tls()
    {
        var problem = Assert.Single(Read([.. PostgreSql, ("Discovery:AdvertisedAddress", "10.0.1.5")]).Problems);
        Assert.StartsWith("Discovery:AdvertisedAddress: '10.0.1.5' is not a loopback address, and without TLS", problem);
        Assert.EndsWith("discovery certs issue --ca DIR --name NAME --ip 10.0.1.5 --out DIR), and set Discovery:Tls:CertificateFile, Discovery:Tls:KeyFile and Discovery:Tls:CaFile (README: Transport security)", problem);

        var (settings, problems) = Read([.. PostgreSql, .. Tls, ("Discovery:AdvertisedAddress", "10.0.1.5"), ("Discovery:ListenAddress", "0.0.0.0")]);
        Assert.Empty(problems);
        Assert.Equal(("10.0.1.5", "0.0.0.0"), (SiloEndpoints.Advertised(settings).ToString(), SiloEndpoints.Listening(settings).ToString()));
    }

    [Fact]
    public void Bad_addresses_name_their_key()
    {
        Assert.Equal([
            "Discovery:AdvertisedAddress: 0.0.0.0 cannot be reached; publish this silo's own address (ListenAddress may be 0.0.0.0)",
            "Discovery:ListenAddress: 'paris-1' is not an IP address such as 10.0.0.5 (or 0.0.0.0 for every interface, as ListenAddress only)",
        ], Read([.. PostgreSql, .. Tls, ("Discovery:AdvertisedAddress", "0.0.0.0"), ("Discovery:ListenAddress", "paris-1")]).Problems.Order(StringComparer.Ordinal));
        Assert.Equal(["Discovery:ListenAddress: only used with Clustering=PostgreSql; localhost clustering binds 127.0.0.1"],
            Read([.. Tls, ("Discovery:ListenAddress", "0.0.0.0")]).Problems);
    }

    [Fact]
    public void Tls_needs_the_certificate_and_the_ca()
    {
        Assert.Equal(["Discovery:Tls:CaFile: required with the other Discovery:Tls keys (the cluster's CA certificate, e.g. ca.pem from discovery certs ca)"],
            Read(("Discovery:Tls:CertificateFile", _certs.Silo.Certificate), ("Discovery:Tls:KeyFile", _certs.Silo.Key)).Problems);
        Assert.Equal(["Discovery:Tls:CertificateFile: required with the other Discovery:Tls keys (this silo's certificate, e.g. from discovery certs issue)"],
            Read(("Discovery:Tls:CaFile", _certs.CaFile)).Problems);
    }

    [Fact]
    public void Tls_files_are_read_at_start()
    {
        var missing = Path.Combine(_certs.Directory, "nope.pem");
        Assert.Equal([$"Discovery:Tls:CaFile: no file '{missing}'"],
            Read(("Discovery:Tls:CertificateFile", _certs.Silo.Certificate), ("Discovery:Tls:KeyFile", _certs.Silo.Key), ("Discovery:Tls:CaFile", missing)).Problems);
        Assert.Equal([$"Discovery:Tls:CertificateFile: '{_certs.Silo.Certificate}' holds no private key: name the key file too"],
            Read(("Discovery:Tls:CertificateFile", _certs.Silo.Certificate), ("Discovery:Tls:CaFile", _certs.CaFile)).Problems);
        Assert.Equal([$"Discovery:Tls:CertificateFile: '{_certs.Intruder.Certificate}' (CN=intruder) is not issued by the CA in '{_certs.CaFile}' (CN=Test cluster CA), or is expired"],
            Read(("Discovery:Tls:CertificateFile", _certs.Intruder.Certificate), ("Discovery:Tls:KeyFile", _certs.Intruder.Key), ("Discovery:Tls:CaFile", _certs.CaFile)).Problems);
    }
}
