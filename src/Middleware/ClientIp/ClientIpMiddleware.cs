using System.Collections.Frozen;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Restores the real client IP, per request (a CDN carries many visitors over one connection): a peer inside the
/// trusted networks that sends exactly one well-formed client-IP header value is believed, unless its connection failed
/// to prove itself (<see cref="IPeerVerificationFeature"/>) or it relays a Worker of a zone not in
/// <see cref="ClientIpOptions.WorkerZones"/>; anything else falls back to the peer. Headers a client must not control are
/// dropped (<see cref="SpoofableHeaders"/>), and the backend gets the restored client IP in <c>X-Real-IP</c> (the proxy's
/// forwarder adds <c>X-Forwarded-For/Proto/Host</c> from the same values). The verdict is left in <see cref="IClientIpFeature"/>.
/// </summary>
public sealed class ClientIpMiddleware(RequestDelegate next, TrustedNetworkRegistry registry, ClientIpCounters counters, IOptions<ClientIpOptions> options)
{
    public const string RealIpHeader = "X-Real-IP";

    private static readonly IPNetwork PseudoIpv4 = IPNetwork.Parse("240.0.0.0/4");

    // A library guard: a host that validates its options never gets here with an empty header name.
    private readonly ClientIpOptions _options = string.IsNullOrWhiteSpace(options.Value.Header)
        ? throw new ArgumentException("ClientIpOptions.Header must name the client-IP header", nameof(options))
        : options.Value;

    private readonly FrozenSet<string> _workerZones = options.Value.WorkerZones.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private readonly SpoofableHeaders _spoofable = new(
        new[] { options.Value.Header, options.Value.Ipv6Header, options.Value.WorkerHeader }.OfType<string>(), options.Value.TrustedPeerHeaderPrefix);

    public Task InvokeAsync(HttpContext context)
    {
        var connection = context.Connection;
        var peer = connection.RemoteIpAddress;
        if (peer is null)
        {
            return next(context); // not a TCP connection (tests with in-memory transports)
        }

        peer = peer.Unmapped();

        var headers = context.Request.Headers;
        var inTrustedNetwork = registry.Current.Contains(peer);
        var trusted = inTrustedNetwork && context.Features.Get<IPeerVerificationFeature>() is null or { Verification: PeerVerification.Verified };
        var stated = headers[_options.Header];
        var client = peer;
        ClientIpSource source;
        if (!trusted)
        {
            source = inTrustedNetwork ? ClientIpSource.UnverifiedPeer : ClientIpSource.UntrustedPeer;
            if (stated.Count > 0)
            {
                counters.CountUntrustedHeader();
            }
        }
        else if (_options.WorkerHeader is { } workerHeader && IsUnlistedWorker(headers[workerHeader]))
        {
            // Another party's Worker sets whatever headers it likes: nothing the peer vouches for is believed.
            source = ClientIpSource.WorkerRefused;
            trusted = false;
            counters.CountWorkerRefused();
        }
        else if (stated.Count == 0)
        {
            source = ClientIpSource.Peer;
        }
        else if (TryParseSingle(stated, out var fromHeader))
        {
            source = ClientIpSource.Header;
            counters.CountRestored();
            client = PseudoIpv4.Contains(fromHeader) && _options.Ipv6Header is { } ipv6Header &&
                TryParseSingle(headers[ipv6Header], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6
                : fromHeader;
        }
        else
        {
            source = ClientIpSource.MalformedHeader;
            counters.CountMalformedHeader();
        }

        _spoofable.Remove(headers, trusted);
        headers.Remove(_options.Header);
        if (_options.Ipv6Header is { } consumedIpv6)
        {
            headers.Remove(consumedIpv6);
        }

        headers[RealIpHeader] = client.ToString();
        context.Features.Set<IClientIpFeature>(new ClientIpFeature(peer, source));
        connection.RemoteIpAddress = client;
        return next(context);
    }

    /// <summary>A request made by a Worker whose zone is not listed (a repeated or empty header counts as unlisted).</summary>
    private bool IsUnlistedWorker(StringValues worker) =>
        worker.Count > 0 && (worker.Count > 1 || worker[0] is not { } zone || !_workerZones.Contains(zone));

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

        address = parsed.Unmapped();
        return true;
    }
}
