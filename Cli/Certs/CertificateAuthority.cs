using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Discovery.Cli.Certs;

/// <summary>
/// A cluster's private CA and the certificates it issues to silos and clients (ECDSA P-256), as PEM files: what
/// <c>discovery certs</c> writes and what the silos' <c>Discovery:Tls</c> keys and the clients' <c>--tls-*</c> options read.
/// A directory holds <c>NAME.pem</c> (certificate) and <c>NAME.key</c> (PKCS#8 private key, mode 0600); the CA is <c>ca</c>.
/// </summary>
public static class CertificateAuthority
{
    /// <summary>File base name of the CA in its directory.</summary>
    public const string CaName = "ca";

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1", ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>The certificate file of <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static string CertificateFile(string directory, string name) => Path.Combine(directory, name + ".pem");

    /// <summary>The key file of <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static string KeyFile(string directory, string name) => Path.Combine(directory, name + ".key");

    /// <summary>A self-signed CA that may sign end certificates only (path length 0).</summary>
    public static X509Certificate2 CreateAuthority(string subject, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={subject}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // Back-dated a little: clocks across sites disagree by seconds.
        return request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
    }

    /// <summary>
    /// A certificate for a silo or a client named <paramref name="name"/>, usable both ways (server and client
    /// authentication: silos connect to each other), signed by <paramref name="authority"/>, no longer valid than it.
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses,
        DateTimeOffset now, TimeSpan validity)
    {
        using var signer = authority.GetECDsaPrivateKey() ?? throw new ArgumentException($"the CA '{authority.Subject}' has no ECDSA private key", nameof(authority));
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth), new Oid(ClientAuth)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dns in dnsNames) { names.AddDnsName(dns); any = true; }
        foreach (var ip in addresses) { names.AddIpAddress(ip); any = true; }
        if (any) request.CertificateExtensions.Add(names.Build());
        var notAfter = now + validity < authority.NotAfter ? now + validity : new DateTimeOffset(authority.NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(authority.SubjectName, X509SignatureGenerator.CreateForECDsa(signer), now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Writes <paramref name="certificate"/> and its key as <c>NAME.pem</c> and <c>NAME.key</c> in <paramref name="directory"/>
    /// (created if missing); the key readable by its owner only. Never overwrites: a key already there may be in use.
    /// </summary>
    public static (string Certificate, string Key) Write(X509Certificate2 certificate, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var (certificateFile, keyFile) = (CertificateFile(directory, name), KeyFile(directory, name));
        foreach (var file in new[] { certificateFile, keyFile })
            if (File.Exists(file)) throw new IOException($"'{file}' exists already; remove it or choose another --out or --name");
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate has no ECDSA private key", nameof(certificate));
        var owner = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) owner.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(keyFile, owner)) writer.Write(key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        return (certificateFile, keyFile);
    }

    /// <summary>Makes a CA and writes it as <c>ca.pem</c> and <c>ca.key</c> in <paramref name="directory"/>.</summary>
    public static (string Certificate, string Key) WriteAuthority(string directory, string subject, DateTimeOffset now, TimeSpan validity)
    {
        using var authority = CreateAuthority(subject, now, validity);
        return Write(authority, directory, CaName);
    }

    /// <summary>Reads the CA of <paramref name="directory"/> (<c>ca.pem</c>, <c>ca.key</c>), issues a certificate and writes it in <paramref name="output"/>.</summary>
    public static (string Certificate, string Key) WriteIssued(string directory, string name, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses,
        string output, DateTimeOffset now, TimeSpan validity)
    {
        var (caCertificate, caKey) = (CertificateFile(directory, CaName), KeyFile(directory, CaName));
        foreach (var file in new[] { caCertificate, caKey })
            if (!File.Exists(file)) throw new FileNotFoundException($"no '{file}': make the CA first (discovery certs ca --out {directory})", file);
        using var authority = X509Certificate2.CreateFromPemFile(caCertificate, caKey);
        using var issued = Issue(authority, name, dnsNames, addresses, now, validity);
        return Write(issued, output, name);
    }
}
