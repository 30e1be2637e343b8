namespace EdgeProxy.Middleware.ClientIp;

public static class ClientIpSourceExtensions
{
    /// <summary>The verdict as logs show it (<c>header</c>, <c>untrusted-peer</c>, …), without allocating.</summary>
    public static string ToLogValue(this ClientIpSource source) => source switch
    {
        ClientIpSource.Header => "header",
        ClientIpSource.Peer => "peer",
        ClientIpSource.UntrustedPeer => "untrusted-peer",
        ClientIpSource.MalformedHeader => "malformed-header",
        ClientIpSource.WorkerRefused => "worker-refused",
        ClientIpSource.UnverifiedPeer => "unverified-peer",
        _ => source.ToString(),
    };
}
