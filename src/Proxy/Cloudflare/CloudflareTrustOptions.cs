namespace EdgeProxy.Cloudflare;

/// <summary><c>EdgeProxy:ClientIp:TrustCloudflare</c>: whether Cloudflare's ranges are in the trusted set at all.</summary>
internal sealed class CloudflareTrustOptions
{
    public const string SectionName = "EdgeProxy:ClientIp";

    /// <summary>The source name of Cloudflare's ranges in the trusted set (shown by <c>/trust</c>).</summary>
    public const string Source = "cloudflare";

    public bool TrustCloudflare { get; set; } = true;
}
