namespace EdgeProxy.ReverseProxy;

/// <summary>
/// <c>EdgeProxy:Upstream</c>: timeouts for clusters that set none. YARP's own (15 s connect, 100 s activity) match
/// Cloudflare's 100 s origin timeout, so visitors would get Cloudflare's 524 page instead of our 504.
/// </summary>
internal sealed class UpstreamOptions
{
    public const string SectionName = "EdgeProxy:Upstream";

    /// <summary>Connecting to a destination (TCP and TLS); applies to every cluster (YARP has no per-cluster setting).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Silence allowed on an upstream exchange; a cluster's own <c>HttpRequest:ActivityTimeout</c> wins.</summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
