namespace EdgeProxy.ClientIp;

/// <summary>The host's part of <c>EdgeProxy:ClientIp</c>: which networks are trusted besides Cloudflare's, and the lock.</summary>
internal sealed class ClientIpTrustOptions
{
    public const string SectionName = "EdgeProxy:ClientIp";

    /// <summary>The source name of the configured networks in the trusted set (shown by <c>/trust</c>).</summary>
    public const string ConfiguredSource = SectionName + ":TrustedNetworks";

    /// <summary>More trusted networks in CIDR form, e.g. the operator's own load balancer.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>
    /// Close connections from peers outside the trusted networks right after accept, on every public listener, before
    /// TLS ("origin locked to Cloudflare"): no certificate is ever shown to them.
    /// </summary>
    public bool RequireTrustedPeer { get; set; }
}
