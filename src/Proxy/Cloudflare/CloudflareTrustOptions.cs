namespace EdgeProxy.Cloudflare;

/// <summary><c>EdgeProxy:ClientIp:TrustCloudflare</c>: whether Cloudflare's ranges are in the trusted set at all.</summary>
internal sealed class CloudflareTrustOptions
{
    // EdgeProxy:ClientIp is bound three times, each folder taking its own keys: the middleware's ClientIpOptions (header
    // names, Worker zones), ClientIp's ClientIpTrustOptions (networks, lock) and this one.
    public const string SectionName = "EdgeProxy:ClientIp";

    /// <summary>The source name of Cloudflare's ranges in the trusted set (shown by <c>/trust</c>).</summary>
    public const string Source = "cloudflare";

    public bool TrustCloudflare { get; set; } = true;
}
