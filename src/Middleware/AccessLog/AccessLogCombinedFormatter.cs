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
    // What nginx writes as it is: printable ASCII and the space, but the quote and the backslash; $remote_user escapes
    // the space too.
    private static readonly SearchValues<char> Plain = PrintableAscii(from: ' ');
    private static readonly SearchValues<char> PlainWithoutSpace = PrintableAscii(from: '!');
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

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
        Escaped(output, record.User ?? "-", PlainWithoutSpace);
        Ascii(output, " [");
        Ascii(output, FormatTime(record.Time.UtcDateTime, scratch));
        Ascii(output, " +0000] \"");
        Escaped(output, record.Method, Plain);
        Ascii(output, " ");
        Escaped(output, record.RawTarget, Plain);
        Ascii(output, " ");
        Escaped(output, record.Protocol, Plain);
        Ascii(output, "\" ");
        record.Status.TryFormat(scratch, out var n, provider: CultureInfo.InvariantCulture);
        Ascii(output, scratch[..n]);
        Ascii(output, " ");
        record.BytesOut.TryFormat(scratch, out n, provider: CultureInfo.InvariantCulture);
        Ascii(output, scratch[..n]);
        Ascii(output, " \"");
        Escaped(output, record.Referer ?? "-", Plain);
        Ascii(output, "\" \"");
        Escaped(output, record.UserAgent ?? "-", Plain);
        Ascii(output, "\" ");
        Ascii(output, FormatSeconds(record.DurationMs, scratch));
    }

    /// <summary>nginx's <c>$time_local</c> in UTC without a format string: <c>28/Nov/2026:23:10:09</c>.</summary>
    private static ReadOnlySpan<char> FormatTime(DateTime utc, Span<char> scratch)
    {
        TwoDigits(scratch, utc.Day);
        scratch[2] = '/';
        Months[utc.Month - 1].CopyTo(scratch[3..]);
        scratch[6] = '/';
        utc.Year.TryFormat(scratch[7..], out _, "D4", CultureInfo.InvariantCulture);
        scratch[11] = ':';
        TwoDigits(scratch[12..], utc.Hour);
        scratch[14] = ':';
        TwoDigits(scratch[15..], utc.Minute);
        scratch[17] = ':';
        TwoDigits(scratch[18..], utc.Second);
        return scratch[..20];
    }

    private static void TwoDigits(Span<char> destination, int value)
    {
        destination[0] = (char)('0' + (value / 10));
        destination[1] = (char)('0' + (value % 10));
    }

    /// <summary>Seconds with milliseconds (<c>0.004</c>), as nginx's <c>$request_time</c>.</summary>
    private static ReadOnlySpan<char> FormatSeconds(double milliseconds, Span<char> scratch)
    {
        var rounded = (long)Math.Round(Math.Max(0, milliseconds), MidpointRounding.AwayFromZero);
        (rounded / 1000).TryFormat(scratch, out var n, provider: CultureInfo.InvariantCulture);
        var fraction = (int)(rounded % 1000);
        scratch[n] = '.';
        TwoDigits(scratch[(n + 1)..], fraction / 10);
        scratch[n + 3] = (char)('0' + (fraction % 10));
        return scratch[..(n + 4)];
    }

    private static SearchValues<char> PrintableAscii(char from) =>
        SearchValues.Create([.. Enumerable.Range(from, '~' - from + 1).Select(c => (char)c).Where(c => c is not '"' and not '\\')]);

    private static void Ascii(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        System.Text.Ascii.FromUtf16(text, output.GetSpan(text.Length), out var written);
        output.Advance(written);
    }

    /// <summary>Runs of plain characters are copied as they are; every other character is escaped byte by byte.</summary>
    private static void Escaped(IBufferWriter<byte> output, ReadOnlySpan<char> text, SearchValues<char> plain)
    {
        Span<byte> utf8 = stackalloc byte[4];
        while (!text.IsEmpty)
        {
            var run = text.IndexOfAnyExcept(plain);
            Ascii(output, run < 0 ? text : text[..run]);
            if (run < 0)
            {
                return;
            }

            // A lone surrogate decodes to U+FFFD, as when enumerating runes.
            Rune.DecodeFromUtf16(text[run..], out var rune, out var consumed);
            text = text[(run + consumed)..];
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
