namespace EdgeProxy.Tls;

/// <summary><c>EdgeProxy:Tls</c>. Its OCSP keys (<c>OcspStapling</c>, <c>OcspRetryInterval</c>) are bound by <c>OcspOptions</c>.</summary>
internal sealed class TlsOptions
{
    public const string SectionName = "EdgeProxy:Tls";

    public TlsProfile Profile { get; set; } = TlsProfile.Intermediate;

    /// <summary>With <see cref="TlsProfile.Custom"/>: <c>Tls12</c> and/or <c>Tls13</c>.</summary>
    public List<string> Protocols { get; set; } = [];

    /// <summary>With <see cref="TlsProfile.Custom"/>: IANA names, e.g. <c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c>, <c>TLS_AES_128_GCM_SHA256</c>.</summary>
    public List<string> CipherSuites { get; set; } = [];

    /// <summary>How often certificate files are read to pick up renewals.</summary>
    public TimeSpan CertificateCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
