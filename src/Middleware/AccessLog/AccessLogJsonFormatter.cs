using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// One record as one JSON object on one line (snake_case keys; absent values left out). <see cref="Utf8JsonWriter"/>
/// escapes every control character (<c>\n</c>, <c>\r</c>, <c>\u0000</c>…), so a record never spans two lines whatever the
/// request contains. Not thread-safe: one per writer thread.
/// </summary>
public sealed class AccessLogJsonFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Escapes control characters, quote and backslash; leaves non-ASCII text readable (no HTML context here).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Utf8JsonWriter _writer = new(Stream.Null, WriterOptions);

    /// <summary>Appends the record (without a line end) to <paramref name="output"/>.</summary>
    public void Write(AccessLogRecord record, IBufferWriter<byte> output)
    {
        var w = _writer;
        w.Reset(output);
        Span<char> scratch = stackalloc char[64];
        w.WriteStartObject();
        w.WriteString("time", FormatTime(record.Time, scratch));
        WriteAddress(w, "client_ip", record.ClientIp, scratch);
        WriteAddress(w, "peer_ip", record.PeerIp, scratch);
        WriteOptional(w, "client_ip_from", record.ClientIpFrom);
        w.WriteString("method", record.Method);
        w.WriteString("scheme", record.Scheme);
        WriteOptional(w, "host", record.Host);
        w.WriteString("path", record.Path);
        if (!record.Query.IsEmpty)
        {
            w.WriteString("query", record.Query);
        }

        w.WriteString("protocol", record.Protocol);
        w.WriteNumber("status", record.Status);
        w.WriteNumber("bytes_in", record.BytesIn);
        w.WriteNumber("bytes_out", record.BytesOut);
        w.WriteNumber("duration_ms", Math.Round(record.DurationMs, 3));
        if (record.UpstreamMs is { } upstream)
        {
            w.WriteNumber("upstream_ms", Math.Round(upstream, 3));
        }

        WriteOptional(w, "route", record.Route);
        WriteOptional(w, "cluster", record.Cluster);
        WriteOptional(w, "destination", record.Destination);
        WriteOptional(w, "error", record.Error);
        WriteOptional(w, "tls_protocol", TlsProtocolName(record.TlsProtocol));
        if (record.TlsCipher is { } cipher)
        {
            w.WriteString("tls_cipher", CipherName(cipher));
        }

        WriteOptional(w, "sni", record.Sni);
        WriteOptional(w, "user", record.User);
        WriteOptional(w, "user_agent", record.UserAgent);
        WriteOptional(w, "referer", record.Referer);
        WriteOptional(w, "cf_ray", record.RayId);
        WriteOptional(w, "traceparent", record.Traceparent);
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>RFC 3339 in UTC with milliseconds: <c>2026-11-28T23:10:09.123Z</c>.</summary>
    public static ReadOnlySpan<char> FormatTime(DateTimeOffset time, Span<char> scratch)
    {
        time.UtcDateTime.TryFormat(scratch, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return scratch[..written];
    }

    private static void WriteAddress(Utf8JsonWriter w, string name, IPAddress? address, Span<char> scratch)
    {
        if (address is not null && address.TryFormat(scratch, out var written))
        {
            w.WriteString(name, scratch[..written]);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>OpenSSL's spelling (<c>TLSv1.3</c>), as nginx's <c>$ssl_protocol</c>; null for plain HTTP.</summary>
    public static string? TlsProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.None => null,
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable SYSLIB0039 // named only to be logged
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
#pragma warning restore SYSLIB0039
        _ => protocol.ToString(),
    };

    /// <summary>The IANA name (<c>TLS_AES_128_GCM_SHA256</c>); enum names are cached by the runtime.</summary>
    public static string CipherName(TlsCipherSuite cipher) => cipher.ToString();
}
