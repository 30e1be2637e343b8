using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// One record as one JSON object on one line (snake_case keys; absent values left out). <see cref="Utf8JsonWriter"/>
/// escapes every control character (<c>\n</c>, <c>\r</c>, <c>\u0000</c>…), so a record never spans two lines whatever the
/// request contains. Not thread-safe: one per thread.
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
    private static readonly JsonEncodedText LbIp = JsonEncodedText.Encode("lb_ip");
    private static readonly JsonEncodedText ProxyAuthority = JsonEncodedText.Encode("proxy_authority");
    private static readonly JsonEncodedText ProxyAlpn = JsonEncodedText.Encode("proxy_alpn");
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

    // The values nearly every record carries one of (method, scheme, protocol, the client-IP verdict), encoded once:
    // written as bytes, without escape checks or transcoding.
    private static readonly FrozenDictionary<string, JsonEncodedText> KnownValues = new[]
    {
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "https", "http", "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3",
    }.Concat(Enum.GetValues<ClientIpSource>().Select(source => source.ToLogValue())).Distinct()
        .ToFrozenDictionary(value => value, value => JsonEncodedText.Encode(value));

    private static readonly JsonEncodedText Tls13 = JsonEncodedText.Encode("TLSv1.3");
    private static readonly JsonEncodedText Tls12 = JsonEncodedText.Encode("TLSv1.2");

    // IANA names (TLS_AES_128_GCM_SHA256), encoded on first use.
    private static readonly ConcurrentDictionary<TlsCipherSuite, JsonEncodedText> CipherNames = new();

    private readonly Utf8JsonWriter _writer = new(Stream.Null, WriterOptions);

    // The last known value written per field, by reference: the server hands out the same string objects for the same
    // method, scheme and protocol (and the verdicts are constants), so nearly every record skips the dictionary's hashing.
    private RecentValue _method;
    private RecentValue _scheme;
    private RecentValue _protocol;
    private RecentValue _clientIpFrom;
    private (TlsCipherSuite Suite, JsonEncodedText Name)? _cipher;

    // The record's time as a JSON string; its text up to the second is reused while records fall in the same second.
    private readonly byte[] _time = new byte[26];
    private long _timeSecond = -1;

    /// <summary>Appends the record (without a line end) to <paramref name="output"/>.</summary>
    public void Write(AccessLogRecord record, IBufferWriter<byte> output)
    {
        var w = _writer;
        w.Reset(output);
        w.WriteStartObject();
        w.WritePropertyName(Time);
        w.WriteRawValue(QuotedTime(record.Time), skipInputValidation: true);
        WriteAddress(w, ClientIp, record.ClientIp);
        WriteAddress(w, PeerIp, record.PeerIp);
        WriteAddress(w, LbIp, record.LoadBalancerIp);
        WriteKnown(w, ClientIpFrom, record.ClientIpFrom, ref _clientIpFrom);
        WriteKnown(w, Method, record.Method, ref _method);
        WriteKnown(w, Scheme, record.Scheme, ref _scheme);
        WriteOptional(w, Host, record.Host);
        w.WriteString(Path, record.Path);
        var query = record.Query; // each read of Query looks for the '?' again
        if (!query.IsEmpty)
        {
            w.WriteString(Query, query);
        }

        WriteKnown(w, Protocol, record.Protocol, ref _protocol);
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
        if (TlsProtocolName(record.TlsProtocol) is { } tlsProtocol)
        {
            w.WriteString(TlsProtocol, tlsProtocol);
        }

        if (record.TlsCipher is { } cipher)
        {
            if (_cipher?.Suite != cipher)
            {
                _cipher = (cipher, CipherNames.GetOrAdd(cipher, static c => JsonEncodedText.Encode(c.ToString())));
            }

            w.WriteString(TlsCipher, _cipher.Value.Name);
        }

        WriteOptional(w, Sni, record.Sni);
        WriteOptional(w, ProxyAuthority, record.ProxyAuthority);
        WriteOptional(w, ProxyAlpn, record.ProxyAlpn);
        WriteOptional(w, User, record.User);
        WriteOptional(w, UserAgent, record.UserAgent);
        WriteOptional(w, Referer, record.Referer);
        WriteOptional(w, CfRay, record.RayId);
        WriteOptional(w, Traceparent, record.Traceparent);
        w.WriteEndObject();
        w.Flush();
    }

    /// <summary>The time as a quoted RFC 3339 string; only the milliseconds are written when the second is the last one's.</summary>
    private ReadOnlySpan<byte> QuotedTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var second = utc.Ticks / TimeSpan.TicksPerSecond;
        if (second != _timeSecond)
        {
            Span<char> scratch = stackalloc char[32];
            _time[0] = (byte)'"';
            System.Text.Encoding.ASCII.GetBytes(FormatTime(time, scratch), _time.AsSpan(1));
            _time[25] = (byte)'"';
            _timeSecond = second;
        }

        var milliseconds = utc.Millisecond;
        _time[21] = (byte)('0' + (milliseconds / 100));
        _time[22] = (byte)('0' + (milliseconds / 10 % 10));
        _time[23] = (byte)('0' + (milliseconds % 10));
        return _time;
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

    /// <summary>An address is never escaped: its text is digits, hex letters, dots, colons and a <c>%</c> scope.</summary>
    private static void WriteAddress(Utf8JsonWriter w, JsonEncodedText name, IPAddress? address)
    {
        Span<byte> text = stackalloc byte[64];
        if (address is not null && address.TryFormat(text[1..], out var written))
        {
            text[0] = (byte)'"';
            text[written + 1] = (byte)'"';
            w.WritePropertyName(name);
            w.WriteRawValue(text[..(written + 2)], skipInputValidation: true);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteKnown(Utf8JsonWriter w, JsonEncodedText name, string? value, ref RecentValue recent)
    {
        if (value is null)
        {
            return;
        }

        if (!ReferenceEquals(value, recent.Value))
        {
            if (!KnownValues.TryGetValue(value, out var known))
            {
                w.WriteString(name, value);
                return;
            }

            recent = new RecentValue(value, known);
        }

        w.WriteString(name, recent.Text);
    }

    private readonly record struct RecentValue(string? Value, JsonEncodedText Text);

    /// <summary>OpenSSL's spelling (<c>TLSv1.3</c>), as nginx's <c>$ssl_protocol</c>; null for plain HTTP.</summary>
    private static JsonEncodedText? TlsProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.None => null,
        SslProtocols.Tls13 => Tls13,
        SslProtocols.Tls12 => Tls12,
#pragma warning disable SYSLIB0039 // named only to be logged
        SslProtocols.Tls11 => JsonEncodedText.Encode("TLSv1.1"),
        SslProtocols.Tls => JsonEncodedText.Encode("TLSv1"),
#pragma warning restore SYSLIB0039
        _ => JsonEncodedText.Encode(protocol.ToString()),
    };
}
