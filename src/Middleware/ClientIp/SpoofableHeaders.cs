using System.Collections.Frozen;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Request headers a client must not be able to hand to backends. Backends and their frameworks believe them (client
/// address, scheme, rewritten URL, identity asserted by an access gateway), so only the proxy may set them.
/// </summary>
internal sealed class SpoofableHeaders
{
    // Dropped whoever sent them: a client controls them, and a CDN passes a visitor's copy along (appending to XFF).
    private static readonly string[] FromAnyPeer =
    [
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port",
        "X-Forwarded-Ssl", "X-Forwarded-Scheme", "Front-End-Https", "X-Url-Scheme", "X-Original-URL", "X-Rewrite-URL",
        "X-Original-For", "X-Real-IP", "Forwarded", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP",
        // Client addresses other proxies, CDNs and load balancers send, which frameworks and plugins read as the client IP.
        "Client-IP", "X-Originating-IP", "X-Remote-IP", "X-Remote-Addr", "Fastly-Client-IP", "X-ProxyUser-Ip",
        "Forwarded-For", "X-Forwarded", "X-Envoy-External-Address",
    ];

    private readonly FrozenSet<string> _fromAnyPeer = FromAnyPeer.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _twinOf;
    private readonly string? _trustedPrefix;

    /// <param name="consumed">The headers the middleware reads and removes itself (client IP, IPv6, Worker zone).</param>
    /// <param name="trustedPrefix">Names only a trusted peer may send (e.g. <c>cf-</c>).</param>
    public SpoofableHeaders(IEnumerable<string> consumed, string? trustedPrefix)
    {
        _twinOf = FromAnyPeer.Concat(consumed).ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _trustedPrefix = string.IsNullOrEmpty(trustedPrefix) ? null : trustedPrefix;
    }

    /// <summary>
    /// Whether <paramref name="name"/> must not reach a backend. From a peer that is not trusted every header with the
    /// trusted prefix goes too (with <c>cf-</c>: <c>CF-IPCountry</c>, <c>Cf-Access-Authenticated-User-Email</c>, …): only
    /// the trusted peer may state them. The underscore twin of any dropped or consumed name (<c>X_Forwarded_For</c>,
    /// <c>CF_Connecting_IP</c>) goes from every peer: CGI, WSGI and PHP map it to the same variable as the real one.
    /// </summary>
    public bool ShouldDrop(string name, bool fromTrustedPeer)
    {
        var underscore = name.IndexOf('_');
        if (underscore < 0)
        {
            return _fromAnyPeer.Contains(name) || (!fromTrustedPeer && HasTrustedPrefix(name));
        }

        if (name.Length > 256)
        {
            return true; // no real header is this long; not worth a buffer
        }

        Span<char> hyphenated = stackalloc char[name.Length];
        name.AsSpan().Replace(hyphenated, '_', '-');
        return _twinOf.Contains(hyphenated) || HasTrustedPrefix(hyphenated);
    }

    private bool HasTrustedPrefix(ReadOnlySpan<char> name) => _trustedPrefix is not null && name.StartsWith(_trustedPrefix, StringComparison.OrdinalIgnoreCase);

    // Names found while enumerating, removed after; one list per thread (Remove never awaits), so nothing is allocated per
    // request although Cloudflare's X-Forwarded-For/-Proto arrive with every one.
    [ThreadStatic]
    private static List<string>? t_dropped;

    /// <summary>Removes every header <see cref="ShouldDrop"/> names.</summary>
    public void Remove(IHeaderDictionary headers, bool fromTrustedPeer)
    {
        var dropped = t_dropped ??= [];
        foreach (var header in headers)
        {
            if (ShouldDrop(header.Key, fromTrustedPeer))
            {
                dropped.Add(header.Key);
            }
        }

        foreach (var name in dropped)
        {
            headers.Remove(name);
        }

        dropped.Clear();
    }
}
