namespace Discovery.Silo.Configuration;

/// <summary>
/// Mutual TLS on the silo and gateway ports (section <c>Discovery:Tls</c>): this silo's certificate and key, and the
/// cluster's CA. Every silo and client must present a certificate issued by that CA; anything else is refused.
/// Off when no key is set: the ports then bind to loopback only.
/// </summary>
public sealed record TlsSettings
{
    /// <summary>This silo's certificate (PEM, or PKCS#12 .pfx/.p12 without a password), e.g. from <c>discovery certs issue</c>.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>Its private key (PEM); unset when <see cref="CertificateFile"/> holds it.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The cluster's CA certificate (PEM): the only root a peer's certificate may chain to.</summary>
    public string? CaFile { get; init; }

    /// <summary>Whether any TLS key is set (the validator requires the certificate and the CA then).</summary>
    public bool Configured => CertificateFile is not null || KeyFile is not null || CaFile is not null;
}
