namespace EdgeProxy.Middleware.ProxyProtocol;

/// <summary>
/// On a connection that arrived with a PROXY header: what the header said, and who sent it. The connection's remote
/// endpoint is then the header's source (the client), so everything after it judges the client; the balancer's address
/// stays here (the access log's <c>lb_ip</c>).
/// </summary>
public interface IProxyProtocolFeature
{
    /// <summary>The TCP peer that sent the header: the load balancer.</summary>
    IPEndPoint LoadBalancer { get; }

    /// <summary>The client the balancer relayed; null for v2 <c>LOCAL</c>, v1 <c>UNKNOWN</c> and v2 <c>AF_UNSPEC</c>/<c>AF_UNIX</c>.</summary>
    IPEndPoint? Source { get; }

    /// <summary>1 (text) or 2 (binary).</summary>
    int Version { get; }

    /// <summary>v2 <c>LOCAL</c>: the balancer's own connection (a health check).</summary>
    bool IsLocal { get; }

    /// <summary>v2 <c>PP2_TYPE_AUTHORITY</c>: the host name the client asked the balancer for (its SNI), when sent.</summary>
    string? Authority { get; }

    /// <summary>v2 <c>PP2_TYPE_ALPN</c>: the application protocol the client negotiated with the balancer, when sent.</summary>
    string? Alpn { get; }
}
