using System.Globalization;
using System.Net.Sockets;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Strict CIDR parsing on top of IPNetwork2: an explicit prefix length is required (IPNetwork2 alone guesses a classful
/// /8 for "1.2.3.4"), the address must be a plain literal of the expected family, and the prefix must fit it.
/// </summary>
public static class CidrParser
{
    public static bool TryParse(string? text, AddressFamily? expectedFamily, out IPNetwork2 network, out string error)
    {
        network = null!;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "empty entry";
            return false;
        }

        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            error = $"'{text}' has no prefix length (write it as a CIDR such as 192.0.2.0/24)";
            return false;
        }

        var addressText = text[..slash];
        var prefixText = text[(slash + 1)..];
        if (!IPAddress.TryParse(addressText, out var address) || !IsPlainLiteral(addressText, address))
        {
            error = $"'{text}' does not start with an IP address";
            return false;
        }

        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) ||
            int.Parse(prefixText, CultureInfo.InvariantCulture) > maxPrefix)
        {
            error = $"'{text}' has an invalid prefix length (0 to {maxPrefix})";
            return false;
        }

        if (expectedFamily is { } family && address.AddressFamily != family)
        {
            error = $"'{text}' is {Describe(address.AddressFamily)} where {Describe(family)} was expected";
            return false;
        }

        if (!IPNetwork2.TryParse(text, out var parsed) || parsed is null)
        {
            error = $"'{text}' is not a valid network";
            return false;
        }

        network = parsed;
        error = "";
        return true;
    }

    /// <summary>Rejects the legacy forms IPAddress also accepts ("10.1", "0x0a.0.0.1", "010.0.0.1") and scoped IPv6.</summary>
    private static bool IsPlainLiteral(string text, IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => address.ToString() == text,
        AddressFamily.InterNetworkV6 => address.ScopeId == 0 && !text.Contains('[') && !text.Contains('%'),
        _ => false,
    };

    private static string Describe(AddressFamily family) => family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
}
