using System.Collections.Frozen;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Request headers a client must not be able to hand to backends. Backends and their frameworks believe them (client
/// address, scheme, rewritten URL, Cloudflare Access identity), so only the proxy may set them.
/// </summary>
internal static class SpoofableHeaders
{
    private const string CloudflarePrefix = "cf-";

    // Dropped whoever sent them: a client controls them, and Cloudflare passes a visitor's copy along (appending to XFF).
    private static readonly FrozenSet<string> FromAnyPeer = new[]
    {
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port",
        "X-Forwarded-Ssl", "X-Forwarded-Scheme", "Front-End-Https", "X-Url-Scheme", "X-Original-URL", "X-Rewrite-URL",
        "X-Original-For", "X-Real-IP", "Forwarded", "True-Client-IP", "X-Client-IP", "X-Cluster-Client-IP",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="name"/> must not reach a backend. From a peer outside the trusted networks every
    /// <c>cf-*</c> header goes too (<c>CF-IPCountry</c>, <c>Cf-Access-Authenticated-User-Email</c>, …): only Cloudflare
    /// may state them. The underscore twin of any dropped name (<c>X_Forwarded_For</c>, <c>CF_Connecting_IP</c>) goes from
    /// every peer: CGI, WSGI and PHP map it to the same variable, and Cloudflare never sends one.
    /// </summary>
    public static bool ShouldDrop(string name, bool fromTrustedPeer)
    {
        if (name.Contains('_'))
        {
            var hyphenated = name.Replace('_', '-');
            return FromAnyPeer.Contains(hyphenated) || hyphenated.StartsWith(CloudflarePrefix, StringComparison.OrdinalIgnoreCase);
        }

        return FromAnyPeer.Contains(name) || (!fromTrustedPeer && name.StartsWith(CloudflarePrefix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Removes every header <see cref="ShouldDrop"/> names; allocates only when there is one to remove.</summary>
    public static void Remove(IHeaderDictionary headers, bool fromTrustedPeer)
    {
        List<string>? dropped = null;
        foreach (var header in headers)
        {
            if (ShouldDrop(header.Key, fromTrustedPeer))
            {
                (dropped ??= []).Add(header.Key);
            }
        }

        if (dropped is not null)
        {
            foreach (var name in dropped)
            {
                headers.Remove(name);
            }
        }
    }
}
