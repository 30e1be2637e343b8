namespace EdgeProxy.Middleware.ClientIp;

/// <summary>A network whose peers may state the client IP, and the rule that put it there (for <c>/trust</c> and logs).</summary>
public sealed record TrustedNetwork(IPNetwork2 Network, string Rule)
{
    public const string CloudflareRule = "cloudflare";
    public const string ConfiguredRule = "EdgeProxy:ClientIp:TrustedNetworks";
}
