namespace EdgeProxy.Middleware.ClientIp;

/// <summary><c>EdgeProxy:ClientIp</c>: who may state the client IP, and in which header.</summary>
public sealed class ClientIpOptions
{
    public const string SectionName = "EdgeProxy:ClientIp";

    /// <summary>The header a trusted peer puts the client IP in.</summary>
    public string Header { get; set; } = "CF-Connecting-IP";

    /// <summary>Cloudflare's IPv6 header, used when <see cref="Header"/> holds a Pseudo-IPv4 address (240.0.0.0/4).</summary>
    public string Ipv6Header { get; set; } = "CF-Connecting-IPv6";

    /// <summary>Trust Cloudflare's published ranges (kept fresh by the range refresher).</summary>
    public bool TrustCloudflare { get; set; } = true;

    /// <summary>More trusted networks in CIDR form, e.g. the operator's own load balancer.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>Answer 403 to peers outside the trusted networks ("origin locked to Cloudflare").</summary>
    public bool RequireTrustedPeer { get; set; }
}
