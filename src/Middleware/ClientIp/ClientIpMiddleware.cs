using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Restores the real client IP, per request (Cloudflare carries many visitors over one connection): a peer inside the
/// trusted networks that sends exactly one well-formed client-IP header value is believed; anything else falls back to
/// the peer. Every forwarding header the client sent is dropped, and the backend gets the restored client IP in
/// <c>X-Real-IP</c> (the proxy's forwarder adds <c>X-Forwarded-For/Proto/Host</c> from the same values).
/// </summary>
public sealed class ClientIpMiddleware(RequestDelegate next, TrustedNetworkRegistry registry, ClientIpCounters counters, IOptions<ClientIpOptions> options)
{
    public const string LockedMessage = "origin locked to Cloudflare";
    public const string RealIpHeader = "X-Real-IP";

    private static readonly IPNetwork PseudoIpv4 = IPNetwork.Parse("240.0.0.0/4");

    // Never passed on as the client sent them: a client (or Cloudflare, which appends to a client's XFF) controls them.
    private static readonly string[] SpoofableHeaders =
    [
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port",
        "X-Original-For", "X-Real-IP", "Forwarded", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP",
    ];

    private readonly ClientIpOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var connection = context.Connection;
        var peer = connection.RemoteIpAddress;
        if (peer is null)
        {
            return next(context); // not a TCP connection (tests with in-memory transports)
        }

        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }

        var headers = context.Request.Headers;
        var trusted = registry.Current.Contains(peer);
        var client = peer;
        var stated = headers[_options.Header];
        if (trusted)
        {
            if (stated.Count > 0)
            {
                if (TryParseSingle(stated, out var fromHeader))
                {
                    client = PseudoIpv4.Contains(fromHeader) && TryParseSingle(headers[_options.Ipv6Header], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                        ? v6
                        : fromHeader;
                }
                else
                {
                    counters.CountMalformedHeader();
                }
            }
        }
        else
        {
            if (stated.Count > 0)
            {
                counters.CountUntrustedHeader();
            }

            if (_options.RequireTrustedPeer)
            {
                counters.CountLockedOut();
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(LockedMessage + "\n", context.RequestAborted);
            }
        }

        foreach (var name in SpoofableHeaders)
        {
            headers.Remove(name);
        }

        headers.Remove(_options.Header);
        headers.Remove(_options.Ipv6Header);
        headers[RealIpHeader] = client.ToString();
        connection.RemoteIpAddress = client;
        return next(context);
    }

    /// <summary>Exactly one value that is a plain IP address: no list, no port, no brackets, no zone, nothing empty.</summary>
    internal static bool TryParseSingle(StringValues values, out IPAddress address)
    {
        address = IPAddress.None;
        if (values.Count != 1 || values[0] is not { Length: > 0 and <= 45 } text ||
            text.AsSpan().IndexOfAny(",[]% \t") >= 0 || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetwork && parsed.ToString() != text)
        {
            return false; // legacy forms such as "10.1" or "0x7f.1"
        }

        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }
}
