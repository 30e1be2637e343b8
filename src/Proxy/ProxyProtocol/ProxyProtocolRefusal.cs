namespace EdgeProxy.ProxyProtocol;

/// <summary>Why a connection on a PROXY listener was closed before TLS.</summary>
internal enum ProxyProtocolRefusal
{
    /// <summary>The TCP peer is not in <c>TrustedSenders</c>.</summary>
    UntrustedSender,

    /// <summary>The first bytes are no PROXY signature (TLS or HTTP straight from a client, a balancer not set to send it).</summary>
    Missing,

    Malformed,

    /// <summary>A v1 line over 107 bytes, or a v2 length over the bound.</summary>
    Oversized,

    /// <summary>The connection ended half-way through the header.</summary>
    Truncated,

    /// <summary>The whole header did not arrive within <c>HeaderTimeout</c>.</summary>
    Timeout,
}
