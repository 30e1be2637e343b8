namespace EdgeProxy.Middleware.ClientIp;

/// <summary><c>EdgeProxy:ClientIp</c>: who may state the client IP, and in which header.</summary>
public sealed class ClientIpOptions
{
    public const string SectionName = "EdgeProxy:ClientIp";

    /// <summary>The header a trusted peer puts the client IP in.</summary>
    public string Header { get; set; } = "CF-Connecting-IP";

    /// <summary>Cloudflare's IPv6 header, used when <see cref="Header"/> holds a Pseudo-IPv4 address (240.0.0.0/4).</summary>
    public string Ipv6Header { get; set; } = "CF-Connecting-IPv6";

    /// <summary>The header that names the zone of the Cloudflare Worker that made a request (a Worker sets the client IP it likes).</summary>
    public string WorkerHeader { get; set; } = "CF-Worker";

    /// <summary>Trust Cloudflare's published ranges (kept fresh by the range refresher).</summary>
    public bool TrustCloudflare { get; set; } = true;

    /// <summary>More trusted networks in CIDR form, e.g. the operator's own load balancer.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>
    /// Close connections from peers outside the trusted networks right after accept, before TLS ("origin locked to
    /// Cloudflare"): no certificate is ever shown to them.
    /// </summary>
    public bool RequireTrustedPeer { get; set; }

    /// <summary>
    /// Zones whose Cloudflare Workers may state the client IP (exact names, any case). A request from a trusted peer that
    /// names another zone in <see cref="WorkerHeader"/> keeps the peer as its client: any Cloudflare customer can run a
    /// Worker that points at this origin and sets the client IP it likes.
    /// </summary>
    public List<string> WorkerZones { get; set; } = [];
}
