using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Discovery.Client;

/// <summary>
/// One end's side of the cluster's mutual TLS: its own certificate (with its private key) and the cluster's CA.
/// A peer is accepted only when its certificate chains to that CA, built against that CA alone (never the
/// system store): silos and clients are reached by IP address through the membership table, so the chain, not
/// a host name, is what identifies a member of the cluster.
/// </summary>
public sealed class ClusterCertificates
{
    private ClusterCertificates(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>This end's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The cluster's CA.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>
    /// Reads the certificate (PEM, with its key in <paramref name="keyFile"/> or in the same file; or PKCS#12 .pfx/.p12
    /// without a password) and the CA (PEM or DER); throws <see cref="InvalidDataException"/> saying which file is wrong and why.
    /// </summary>
    public static ClusterCertificates Load(string certificateFile, string? keyFile, string caFile)
    {
        var authority = LoadAuthority(caFile);
        var certificate = LoadCertificate(certificateFile, keyFile);
        if (!ChainsTo(certificate, authority))
            throw new InvalidDataException($"'{certificateFile}' ({certificate.Subject}) is not issued by the CA in '{caFile}' ({authority.Subject}), or is expired");
        return new ClusterCertificates(certificate, authority);
    }

    /// <summary>A certificate with its private key, from PEM files or a PKCS#12 file.</summary>
    public static X509Certificate2 LoadCertificate(string file, string? keyFile)
    {
        Exists(file);
        if (keyFile is not null) Exists(keyFile);
        if (keyFile is null && IsPem(file) && !File.ReadAllText(file).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new InvalidDataException($"'{file}' holds no private key: name the key file too");
        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(file)
                ? X509Certificate2.CreateFromPemFile(file, keyFile)
                : X509CertificateLoader.LoadPkcs12FromFile(file, password: null);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"cannot read the certificate '{file}'{(keyFile is null ? "" : $" with the key '{keyFile}'")}: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidDataException($"'{file}' holds no private key: name the key file too");
        return certificate;
    }

    /// <summary>The CA certificate (the first one of a PEM file, or a DER file).</summary>
    public static X509Certificate2 LoadAuthority(string file)
    {
        Exists(file);
        try
        {
            if (!IsPem(file)) return X509CertificateLoader.LoadCertificateFromFile(file);
            var found = new X509Certificate2Collection();
            found.ImportFromPemFile(file);
            return found.Count > 0 ? found[0] : throw new InvalidDataException($"'{file}' holds no PEM certificate");
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"cannot read the CA certificate '{file}': {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="peer"/> chains to <paramref name="authority"/>, trusting that CA alone, now.</summary>
    public static bool ChainsTo(X509Certificate2 peer, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A private CA publishes no revocation list; nothing is fetched from the network either.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(peer) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(authority.RawData);
    }

    /// <summary>
    /// Mutual TLS on Orleans' connections: this end presents <see cref="Certificate"/>, requires one from the
    /// other end, and accepts it only when it chains to <see cref="Authority"/>.
    /// </summary>
    public void Apply(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Replaces the system's verdict (which would want a trusted root and a host name) by the cluster's CA.
        options.RemoteCertificateValidation = (peer, _, _) => ChainsTo(peer, Authority);
    }

    private static void Exists(string file)
    {
        if (!File.Exists(file)) throw new InvalidDataException($"no file '{file}'");
    }

    private static bool IsPem(string file)
    {
        using var reader = new StreamReader(file);
        var buffer = new char[4096];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
