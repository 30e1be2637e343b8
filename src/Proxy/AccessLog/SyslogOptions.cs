namespace EdgeProxy.AccessLog;

public enum SyslogFormat
{
    Rfc5424,
    Rfc3164,
}

/// <summary><c>EdgeProxy:Syslog</c>: the syslog collector that gets access records and the proxy's own warnings.</summary>
internal sealed class SyslogOptions
{
    public const string SectionName = "EdgeProxy:Syslog";

    /// <summary><c>udp://host:port</c>, <c>tcp://host:port</c> (RFC 6587 octet counting) or <c>tls://host:port</c>; null: no syslog.</summary>
    public string? Address { get; set; }

    public string Facility { get; set; } = "local0";

    public string AppName { get; set; } = "edgeproxy";

    public SyslogFormat Format { get; set; } = SyslogFormat.Rfc5424;

    /// <summary>With <c>tls://</c>: a PEM file of the CA certificates the collector's certificate must chain to (relative to the configuration file); null: the system's trust store.</summary>
    public string? CaPath { get; set; }

    /// <summary>First reconnect delay after a failure, doubling up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    private static readonly string[] FacilityNames =
        ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
         "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"];

    /// <summary>The facility code (0–23) from a name (<c>local0</c>) or a number; -1 when neither.</summary>
    public static int FacilityCode(string? facility)
    {
        if (int.TryParse(facility, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return code is >= 0 and <= 23 ? code : -1;
        }

        return Array.FindIndex(FacilityNames, n => string.Equals(n, facility, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Scheme, host and port from <see cref="Address"/>; false when it is not one of the three forms.</summary>
    public static bool TryParseAddress(string? address, out string scheme, out string host, out int port)
    {
        scheme = host = "";
        port = 0;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("udp" or "tcp" or "tls") || uri.IsDefaultPort || uri.Port <= 0 ||
            string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath is not ("/" or ""))
        {
            return false;
        }

        scheme = uri.Scheme;
        host = uri.IdnHost;
        port = uri.Port;
        return true;
    }
}
