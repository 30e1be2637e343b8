using System.Buffers;
using System.Buffers.Text;
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

    // Keys encoded once: transcoding and escape-checking ~25 names per record was a third of the formatting time.
    private static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText ClientIp = JsonEncodedText.Encode("client_ip");
    private static readonly JsonEncodedText PeerIp = JsonEncodedText.Encode("peer_ip");
    private static readonly JsonEncodedText ClientIpFrom = JsonEncodedText.Encode("client_ip_from");
    private static readonly JsonEncodedText Method = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText Scheme = JsonEncodedText.Encode("scheme");
    private static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText Query = JsonEncodedText.Encode("query");
    private static readonly JsonEncodedText Protocol = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText BytesIn = JsonEncodedText.Encode("bytes_in");
    private static readonly JsonEncodedText BytesOut = JsonEncodedText.Encode("bytes_out");
    private static readonly JsonEncodedText DurationMs = JsonEncodedText.Encode("duration_ms");
    private static readonly JsonEncodedText UpstreamMs = JsonEncodedText.Encode("upstream_ms");
    private static readonly JsonEncodedText Route = JsonEncodedText.Encode("route");
    private static readonly JsonEncodedText Cluster = JsonEncodedText.Encode("cluster");
    private static readonly JsonEncodedText Destination = JsonEncodedText.Encode("destination");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText TlsProtocol = JsonEncodedText.Encode("tls_protocol");
    private static readonly JsonEncodedText TlsCipher = JsonEncodedText.Encode("tls_cipher");
    private static readonly JsonEncodedText Sni = JsonEncodedText.Encode("sni");
    private static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
    private static readonly JsonEncodedText UserAgent = JsonEncodedText.Encode("user_agent");
    private static readonly JsonEncodedText Referer = JsonEncodedText.Encode("referer");
    private static readonly JsonEncodedText CfRay = JsonEncodedText.Encode("cf_ray");
    private static readonly JsonEncodedText Traceparent = JsonEncodedText.Encode("traceparent");

    private readonly Utf8JsonWriter _writer = new(Stream.Null, WriterOptions);

    /// <summary>Appends the record (without a line end) to <paramref name="output"/>.</summary>
    public void Write(AccessLogRecord record, IBufferWriter<byte> output)
    {
        var w = _writer;
        w.Reset(output);
        Span<char> scratch = stackalloc char[64];
        w.WriteStartObject();
        w.WriteString(Time, FormatTime(record.Time, scratch));
        WriteAddress(w, ClientIp, record.ClientIp, scratch);
        WriteAddress(w, PeerIp, record.PeerIp, scratch);
        WriteOptional(w, ClientIpFrom, record.ClientIpFrom);
        w.WriteString(Method, record.Method);
        w.WriteString(Scheme, record.Scheme);
        WriteOptional(w, Host, record.Host);
        w.WriteString(Path, record.Path);
        if (!record.Query.IsEmpty)
        {
            w.WriteString(Query, record.Query);
        }

        w.WriteString(Protocol, record.Protocol);
        w.WriteNumber(Status, record.Status);
        w.WriteNumber(BytesIn, record.BytesIn);
        w.WriteNumber(BytesOut, record.BytesOut);
        WriteMilliseconds(w, DurationMs, record.DurationMs);
        if (record.UpstreamMs is { } upstream)
        {
            WriteMilliseconds(w, UpstreamMs, upstream);
        }

        WriteOptional(w, Route, record.Route);
        WriteOptional(w, Cluster, record.Cluster);
        WriteOptional(w, Destination, record.Destination);
        WriteOptional(w, Error, record.Error);
        WriteOptional(w, TlsProtocol, TlsProtocolName(record.TlsProtocol));
        if (record.TlsCipher is { } cipher)
        {
            w.WriteString(TlsCipher, CipherName(cipher));
        }

        WriteOptional(w, Sni, record.Sni);
        WriteOptional(w, User, record.User);
        WriteOptional(w, UserAgent, record.UserAgent);
        WriteOptional(w, Referer, record.Referer);
        WriteOptional(w, CfRay, record.RayId);
        WriteOptional(w, Traceparent, record.Traceparent);
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>RFC 3339 in UTC with milliseconds: <c>2026-11-28T23:10:09.123Z</c>.</summary>
    public static ReadOnlySpan<char> FormatTime(DateTimeOffset time, Span<char> scratch)
    {
        // The round-trip format has the runtime's fast path (a custom format string cost more than the rest of the
        // record); its seven fraction digits are cut to three, as "fff" would.
        time.UtcDateTime.TryFormat(scratch, out _, "O", CultureInfo.InvariantCulture);
        scratch[23] = 'Z';
        return scratch[..24];
    }

    /// <summary>Milliseconds rounded to the microsecond, written as a plain decimal (<c>1.235</c>, <c>2</c>): no float formatting.</summary>
    private static void WriteMilliseconds(Utf8JsonWriter w, JsonEncodedText name, double milliseconds)
    {
        var micros = (long)Math.Round(Math.Max(0, milliseconds) * 1000, MidpointRounding.AwayFromZero);
        Span<byte> text = stackalloc byte[24];
        Utf8Formatter.TryFormat(micros / 1000, text, out var length);
        var fraction = (int)(micros % 1000);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            for (var divisor = 100; fraction != 0; divisor /= 10)
            {
                text[length++] = (byte)('0' + (fraction / divisor));
                fraction %= divisor;
            }
        }

        w.WritePropertyName(name);
        w.WriteRawValue(text[..length], skipInputValidation: true);
    }

    private static void WriteAddress(Utf8JsonWriter w, JsonEncodedText name, IPAddress? address, Span<char> scratch)
    {
        if (address is not null && address.TryFormat(scratch, out var written))
        {
            w.WriteString(name, scratch[..written]);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, JsonEncodedText name, string? value)
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
