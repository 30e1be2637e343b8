namespace EdgeProxy.Acme;

/// <summary><c>EdgeProxy:Acme</c>: certificates obtained and renewed from an ACME CA (RFC 8555).</summary>
internal sealed class AcmeOptions
{
    public const string SectionName = "EdgeProxy:Acme";

    public const string LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory";

    public bool Enabled { get; set; }

    /// <summary>The CA's directory; staging and private CAs by URL.</summary>
    public string DirectoryUrl { get; set; } = LetsEncrypt;

    /// <summary>A PEM file of CA certificates trusted for the directory's TLS (step-ca, pebble); null: the system store.</summary>
    public string? DirectoryTrust { get; set; }

    /// <summary>The account's contact (sent as <c>mailto:</c>); the CA's expiry notices go there.</summary>
    public string? Email { get; set; }

    /// <summary>Must be true to register: the CA's terms of service are accepted on the operator's behalf.</summary>
    public bool AcceptTermsOfService { get; set; }

    /// <summary>Renew this long before expiry; null: when a third of the lifetime is left.</summary>
    public TimeSpan? RenewBefore { get; set; }

    /// <summary>The DNS provider for <c>Dns01</c> certificates; null when none is configured.</summary>
    public AcmeDns01Options? Dns01 { get; set; }

    public Dictionary<string, AcmeCertificateOptions> Certificates { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
