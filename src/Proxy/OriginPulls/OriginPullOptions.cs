namespace EdgeProxy.OriginPulls;

/// <summary>
/// <c>EdgeProxy:Cloudflare:AuthenticatedOriginPulls</c>: Cloudflare presents a client certificate to the origin, which
/// proves a connection comes from Cloudflare on behalf of this zone; an address in Cloudflare's ranges only proves it
/// comes from some Cloudflare customer.
/// </summary>
internal sealed class OriginPullOptions
{
    public const string SectionName = "EdgeProxy:Cloudflare:AuthenticatedOriginPulls";

    public OriginPullMode Mode { get; set; } = OriginPullMode.Off;

    /// <summary>PEM file of the CA(s) client certificates must chain to, relative to the configuration file; unset: Cloudflare's shared origin-pull CA, shipped.</summary>
    public string? CaPath { get; set; }

    /// <summary>SHA-256 fingerprints (hex, colons optional) of the zone's own client certificates; when any is listed, only those pass.</summary>
    public List<string> AllowedCertificates { get; set; } = [];
}
