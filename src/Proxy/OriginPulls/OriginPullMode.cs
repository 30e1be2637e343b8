namespace EdgeProxy.OriginPulls;

/// <summary>How public HTTPS listeners treat Cloudflare's origin-pull client certificate.</summary>
internal enum OriginPullMode
{
    /// <summary>No client certificate is asked for.</summary>
    Off,

    /// <summary>A certificate is asked for; connections without a valid one are served, but their client-IP header is never believed.</summary>
    Verify,

    /// <summary>A handshake without a valid certificate fails: no HTTP answer at all.</summary>
    Require,
}
