namespace EdgeProxy.Middleware.Requests;

/// <summary>
/// The canonical form of a <c>Host</c> value: the name lower-cased and one trailing dot removed (<c>Admin.Example.com.</c>
/// names the same site as <c>admin.example.com</c>), the port kept as it was. What <c>Hosts</c> routes match.
/// </summary>
public static class CanonicalHost
{
    /// <summary>
    /// Returns false when the name has an empty label (<c>a..b</c>, <c>.a</c>, <c>a..</c>, <c>.</c>); else true, with the
    /// canonical value in <paramref name="canonical"/> when it differs (null when <paramref name="host"/> is canonical).
    /// </summary>
    public static bool TryCanonicalize(string host, out string? canonical)
    {
        canonical = null;
        var span = host.AsSpan();
        var bracketed = span.StartsWith('[');
        // The port is what follows the last colon, outside an IPv6 literal's brackets.
        var portStart = bracketed ? span.IndexOf(']') + 1 : span.LastIndexOf(':');
        if (portStart <= 0)
        {
            portStart = bracketed || portStart < 0 ? span.Length : 0;
        }

        var name = span[..portStart];
        var trailingDot = !bracketed && name.EndsWith('.');
        var labels = trailingDot ? name[..^1] : name;
        if (!bracketed && name.Length > 0 && (labels.IsEmpty || labels.StartsWith('.') || labels.EndsWith('.') || labels.Contains("..", StringComparison.Ordinal)))
        {
            return false;
        }

        var upper = labels.IndexOfAnyInRange('A', 'Z') >= 0;
        if (!trailingDot && !upper)
        {
            return true;
        }

        canonical = string.Concat(upper ? labels.ToString().ToLowerInvariant() : labels, span[portStart..]);
        return true;
    }
}
