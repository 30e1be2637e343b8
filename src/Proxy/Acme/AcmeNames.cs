using System.Net;

namespace EdgeProxy.Acme;

/// <summary>What counts as a name a CA can certify, and which served name a certificate name covers.</summary>
internal static class AcmeNames
{
    public static bool IsWildcard(string name) => name.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>Letters, digits and hyphens in dot-separated labels (at least two), <c>*.</c> only as the whole first label.</summary>
    public static bool IsDnsName(string name)
    {
        var rest = IsWildcard(name) ? name[2..] : name;
        if (rest.Length is 0 or > 253 || IPAddress.TryParse(rest, out _))
        {
            return false;
        }

        var labels = rest.Split('.');
        return labels.Length >= 2 && labels.All(IsLabel) && !labels[^1].All(char.IsAsciiDigit);
    }

    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>Does <paramref name="certificateName"/> (possibly a wildcard) cover the requested <paramref name="serverName"/>?</summary>
    public static bool Covers(string certificateName, string serverName)
    {
        if (!IsWildcard(certificateName))
        {
            return string.Equals(certificateName, serverName, StringComparison.OrdinalIgnoreCase);
        }

        var dot = serverName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(certificateName[2..], serverName[(dot + 1)..], StringComparison.OrdinalIgnoreCase);
    }
}
