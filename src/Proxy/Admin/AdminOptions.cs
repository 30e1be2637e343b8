using EdgeProxy.Common;

namespace EdgeProxy.Admin;

internal sealed class AdminOptions
{
    public const string SectionName = "EdgeProxy:Admin";

    /// <summary>The admin listener: plain HTTP on an IP address or <c>localhost</c>; never one of the public endpoints.</summary>
    public string Url { get; set; } = AdminUrl.Default;

    /// <summary>Peers allowed on the admin listener, as CIDRs; empty: loopback only (<see cref="DefaultAllowFrom"/>). Others get 403.</summary>
    public List<string> AllowFrom { get; set; } = [];

    /// <summary>
    /// The bearer token the admin listener's writes (e.g. <c>POST /destinations/…/drain</c>) need, on top of
    /// <see cref="AllowFrom"/>; unset: writes are accepted from loopback peers only.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Shorter tokens are refused at start: a guessable token would guard nothing.</summary>
    public const int MinimumTokenLength = 16;

    public static readonly string[] DefaultAllowFrom = ["127.0.0.0/8", "::1/128"];

    // Configuration binding appends to a list that starts non-empty, so the list starts empty and the default applies here.
    public IReadOnlyList<string> EffectiveAllowFrom => AllowFrom.Count > 0 ? AllowFrom : DefaultAllowFrom;

    /// <summary>Whether <see cref="Url"/> listens on loopback only (anything else exposes the admin surface to a network).</summary>
    internal bool IsLoopbackOnly => Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>Why <see cref="Url"/> cannot be listened on, or null when it can.</summary>
    internal static string? ValidateUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            return $"{SectionName}:Url '{url}' must be an absolute http:// URL such as http://127.0.0.1:9901";
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            return $"{SectionName}:Url '{url}' must not have a path";
        }

        return uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) || uri.Host is "*" or "+"
            ? null
            : $"{SectionName}:Url '{url}' must name an IP address or localhost, not a host name";
    }
}
