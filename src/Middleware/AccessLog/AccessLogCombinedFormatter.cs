using System.Buffers;
using System.Globalization;
using System.Text;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// nginx's <c>combined</c> format with the restored client IP first and the request time (seconds, ms resolution)
/// appended, as <c>log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
/// "$http_referer" "$http_user_agent" $request_time'</c>. Values are escaped as nginx escapes them: <c>"</c>, <c>\</c>,
/// control characters and non-ASCII bytes become <c>\xHH</c>, so a line never breaks whatever the request contains.
/// </summary>
public static class AccessLogCombinedFormatter
{
    public static void Write(AccessLogRecord record, IBufferWriter<byte> output)
    {
        Span<char> scratch = stackalloc char[64];
        if (record.ClientIp is not null && record.ClientIp.TryFormat(scratch, out var ipLength))
        {
            Ascii(output, scratch[..ipLength]);
        }
        else
        {
            Ascii(output, "-");
        }

        Ascii(output, " - ");
        Escaped(output, record.User ?? "-", escapeSpace: true);
        Ascii(output, " [");
        record.Time.UtcDateTime.TryFormat(scratch, out var timeLength, "dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture);
        Ascii(output, scratch[..timeLength]);
        Ascii(output, " +0000] \"");
        Escaped(output, record.Method, escapeSpace: false);
        Ascii(output, " ");
        Escaped(output, record.RawTarget, escapeSpace: false);
        Ascii(output, " ");
        Escaped(output, record.Protocol, escapeSpace: false);
        Ascii(output, "\" ");
        record.Status.TryFormat(scratch, out var n, provider: CultureInfo.InvariantCulture);
        Ascii(output, scratch[..n]);
        Ascii(output, " ");
        record.BytesOut.TryFormat(scratch, out n, provider: CultureInfo.InvariantCulture);
        Ascii(output, scratch[..n]);
        Ascii(output, " \"");
        Escaped(output, record.Referer ?? "-", escapeSpace: false);
        Ascii(output, "\" \"");
        Escaped(output, record.UserAgent ?? "-", escapeSpace: false);
        Ascii(output, "\" ");
        (record.DurationMs / 1000).TryFormat(scratch, out n, "0.000", CultureInfo.InvariantCulture);
        Ascii(output, scratch[..n]);
    }

    private static void Ascii(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    private static void Escaped(IBufferWriter<byte> output, string text, bool escapeSpace)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value is > 0x20 and < 0x7F && value != '"' && value != '\\' || (value == ' ' && !escapeSpace))
            {
                var span = output.GetSpan(1);
                span[0] = (byte)value;
                output.Advance(1);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            var escaped = output.GetSpan(length * 4);
            for (var i = 0; i < length; i++)
            {
                escaped[i * 4] = (byte)'\\';
                escaped[(i * 4) + 1] = (byte)'x';
                escaped[(i * 4) + 2] = (byte)"0123456789ABCDEF"[utf8[i] >> 4];
                escaped[(i * 4) + 3] = (byte)"0123456789ABCDEF"[utf8[i] & 0xF];
            }

            output.Advance(length * 4);
        }
    }
}
