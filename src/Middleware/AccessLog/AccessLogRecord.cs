using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// One request as the access log records it. Filled from strings the request already holds and formatted once, when
/// the request has finished. Also set as a request feature while the request runs, so that later pipeline steps (the
/// forwarder) can add what only they know.
/// </summary>
public sealed class AccessLogRecord
{
    public DateTimeOffset Time { get; set; }

    public IPAddress? ClientIp { get; set; }

    public IPAddress? PeerIp { get; set; }

    /// <summary>The load balancer that sent the connection's PROXY header (its TCP peer); null without one.</summary>
    public IPAddress? LoadBalancerIp { get; set; }

    /// <summary>The PROXY v2 header's <c>PP2_TYPE_AUTHORITY</c> (the host name the client asked the balancer for).</summary>
    public string? ProxyAuthority { get; set; }

    /// <summary>The PROXY v2 header's <c>PP2_TYPE_ALPN</c> (the protocol the client negotiated with the balancer).</summary>
    public string? ProxyAlpn { get; set; }

    /// <summary>The client-IP middleware's verdict (<c>header</c>, <c>untrusted-peer</c>, …); null when it did not run.</summary>
    public string? ClientIpFrom { get; set; }

    public string Method { get; set; } = "";

    public string Scheme { get; set; } = "";

    public string? Host { get; set; }

    /// <summary>Path and query exactly as received (Kestrel's raw target: percent-escapes kept, never decoded).</summary>
    public string RawTarget { get; set; } = "";

    public string Protocol { get; set; } = "";

    public int Status { get; set; }

    /// <summary>Request body bytes read from the client.</summary>
    public long BytesIn { get; set; }

    /// <summary>Response body bytes written to the client.</summary>
    public long BytesOut { get; set; }

    public double DurationMs { get; set; }

    /// <summary>From handing the request to the backend until the response was copied; null when nothing was forwarded.</summary>
    public double? UpstreamMs { get; set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which forwarding started; 0 when it did not.</summary>
    public long UpstreamStarted { get; set; }

    public string? Route { get; set; }

    public string? Cluster { get; set; }

    public string? Destination { get; set; }

    /// <summary>Why the request failed in words (<c>connect refused</c>, <c>timeout</c>, <c>request headers too large</c>…).</summary>
    public string? Error { get; set; }

    public SslProtocols TlsProtocol { get; set; }

    public TlsCipherSuite? TlsCipher { get; set; }

    public string? Sni { get; set; }

    public string? User { get; set; }

    public string? UserAgent { get; set; }

    public string? Referer { get; set; }

    /// <summary>The edge's request id (e.g. Cloudflare's <c>CF-Ray</c>; which header is configured).</summary>
    public string? RayId { get; set; }

    public string? Traceparent { get; set; }

    /// <summary>The path part of <see cref="RawTarget"/>.</summary>
    public ReadOnlySpan<char> Path => RawTarget.AsSpan(0, QueryStart < 0 ? RawTarget.Length : QueryStart);

    /// <summary>The query part of <see cref="RawTarget"/> without its <c>?</c>; empty when there is none.</summary>
    public ReadOnlySpan<char> Query => QueryStart < 0 ? [] : RawTarget.AsSpan(QueryStart + 1);

    private int QueryStart => RawTarget.IndexOf('?', StringComparison.Ordinal);
}
