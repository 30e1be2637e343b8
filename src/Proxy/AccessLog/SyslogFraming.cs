using System.Buffers;
using System.Globalization;
using System.Text;

namespace EdgeProxy.AccessLog;

/// <summary>
/// Syslog message headers: RFC 5424 (<c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG</c>) or RFC 3164
/// (<c>&lt;PRI&gt;Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG</c>), and RFC 6587 octet counting (<c>LEN SP MESSAGE</c>) for
/// stream transports. PRI = facility × 8 + severity.
/// </summary>
internal static class SyslogFraming
{
    public const int Informational = 6;
    public const int Warning = 4;
    public const int Error = 3;
    public const int Critical = 2;

    public static int Priority(int facility, int severity) => (facility * 8) + severity;

    public static void WriteHeader(IBufferWriter<byte> output, SyslogFormat format, int priority, DateTimeOffset time, string hostName, string appName, int processId, string messageId)
    {
        Span<char> text = stackalloc char[512];
        var utc = time.UtcDateTime;
        int written;
        if (format == SyslogFormat.Rfc3164)
        {
            // RFC 3164 4.1.2: "Mmm dd hh:mm:ss", the day padded with a space; local time by the RFC, UTC here (stated in docs/logging.md).
            text.TryWrite(CultureInfo.InvariantCulture, $"<{priority}>{utc.ToString("MMM", CultureInfo.InvariantCulture)} {utc.Day,2} {utc:HH:mm:ss} {hostName} {appName}[{processId}]: ", out written);
        }
        else
        {
            text.TryWrite(CultureInfo.InvariantCulture, $"<{priority}>1 {utc:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {hostName} {appName} {processId} {messageId} - ", out written);
        }

        var bytes = output.GetSpan(written);
        output.Advance(Encoding.ASCII.GetBytes(text[..written], bytes));
    }

    /// <summary>RFC 5424 HOSTNAME: printable ASCII, at most 255; "-" when unknown.</summary>
    public static string HostName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "-";
        }

        var clean = new string([.. name.Where(c => c is > ' ' and <= '~')]);
        return clean.Length == 0 ? "-" : clean.Length > 255 ? clean[..255] : clean;
    }

    /// <summary>RFC 6587 3.4.1 octet counting: the message length in decimal, a space, the message.</summary>
    public static void WriteOctetCounted(IBufferWriter<byte> output, ReadOnlySpan<byte> message)
    {
        Span<byte> length = stackalloc byte[12];
        message.Length.TryFormat(length, out var n, provider: CultureInfo.InvariantCulture);
        output.Write(length[..n]);
        output.Write(" "u8);
        output.Write(message);
    }
}
