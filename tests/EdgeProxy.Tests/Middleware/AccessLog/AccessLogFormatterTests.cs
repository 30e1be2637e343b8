using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeProxy.Middleware.AccessLog;

namespace EdgeProxy.Tests.Middleware.AccessLog;

public sealed partial class AccessLogFormatterTests
{
    private static AccessLogRecord Record(string rawTarget, string? userAgent = "Mozilla/5.0 (X11)") => new()
    {
        Time = new DateTimeOffset(2026, 11, 28, 23, 10, 9, 123, TimeSpan.Zero),
        ClientIp = IPAddress.Parse("203.0.113.7"),
        PeerIp = IPAddress.Parse("172.70.1.2"),
        ClientIpFrom = "header",
        Method = "GET",
        Scheme = "https",
        Host = "example.com",
        RawTarget = rawTarget,
        Protocol = "HTTP/1.1",
        Status = 200,
        BytesOut = 1234,
        DurationMs = 12.3456,
        UserAgent = userAgent,
        Referer = "https://example.com/\"quoted\"",
    };

    private static string Json(AccessLogRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new AccessLogJsonFormatter().Write(record, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Combined(AccessLogRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AccessLogCombinedFormatter.Write(record, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Json_escapes_control_characters_so_that_a_record_is_one_line_and_keeps_the_path_undecoded()
    {
        var text = Json(Record("/a%0Ab%0D?x=%0A%0D", userAgent: "evil\r\nInjected: yes\u0000\u001b[31m"));

        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain('\u0000', text);
        Assert.DoesNotContain('\u001b', text);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("/a%0Ab%0D", json.GetProperty("path").GetString());
        Assert.Equal("x=%0A%0D", json.GetProperty("query").GetString());
        Assert.Equal("evil\r\nInjected: yes\u0000\u001b[31m", json.GetProperty("user_agent").GetString());
        Assert.Equal(12.346, json.GetProperty("duration_ms").GetDouble());
    }

    [Fact]
    public void Json_writes_the_load_balancer_and_the_proxy_tlvs_only_when_there_are_some()
    {
        var plain = JsonDocument.Parse(Json(Record("/"))).RootElement;
        var record = Record("/");
        record.LoadBalancerIp = IPAddress.Parse("10.0.3.4");
        record.ProxyAuthority = "shop.example.com";
        record.ProxyAlpn = "h2";

        var json = JsonDocument.Parse(Json(record)).RootElement;

        Assert.False(plain.TryGetProperty("lb_ip", out _));
        Assert.False(plain.TryGetProperty("proxy_authority", out _));
        Assert.False(plain.TryGetProperty("proxy_alpn", out _));
        Assert.Equal("10.0.3.4", json.GetProperty("lb_ip").GetString());
        Assert.Equal("172.70.1.2", json.GetProperty("peer_ip").GetString());
        Assert.Equal("shop.example.com", json.GetProperty("proxy_authority").GetString());
        Assert.Equal("h2", json.GetProperty("proxy_alpn").GetString());
    }

    [Theory]
    [InlineData(12.3456, "12.346")]
    [InlineData(2.0, "2")]
    [InlineData(0.05, "0.05")]
    [InlineData(0.0004, "0")]
    [InlineData(1500.007, "1500.007")]
    public void Json_times_are_rfc3339_utc_milliseconds_and_durations_plain_decimals(double milliseconds, string expected)
    {
        var record = Record("/");
        record.Time = new DateTimeOffset(2026, 1, 2, 4, 4, 5, 6, TimeSpan.FromHours(1));
        record.DurationMs = milliseconds;
        record.UpstreamMs = milliseconds;

        var text = Json(record);

        Assert.StartsWith("""{"time":"2026-01-02T03:04:05.006Z",""", text, StringComparison.Ordinal);
        Assert.Contains($"\"duration_ms\":{expected},", text, StringComparison.Ordinal);
        Assert.Contains($"\"upstream_ms\":{expected},", text, StringComparison.Ordinal);
    }

    [Fact]
    public void One_formatter_writes_each_records_own_time_across_milliseconds_seconds_and_days()
    {
        // The formatter reuses the text of the last record's second: every step here must still show its own time.
        var formatter = new AccessLogJsonFormatter();
        var buffer = new ArrayBufferWriter<byte>();
        var record = Record("/");
        string[] expected = ["2026-12-31T23:59:59.998Z", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00.000Z", "2027-01-01T00:00:00.007Z", "2027-01-01T00:00:01.007Z", "2026-12-31T23:59:59.999Z"];

        foreach (var time in expected)
        {
            record.Time = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);
            buffer.ResetWrittenCount();
            formatter.Write(record, buffer);

            Assert.Equal(time, JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetProperty("time").GetString());
        }
    }

    [Theory]
    [InlineData("GET", "https", "HTTP/2", "header")]
    [InlineData("PURGE", "HTTPS", "HTTP/9", "some-new-verdict")]
    [InlineData("get\\\"", "http\n", "HTTP/1.1\u0000", "peer\"")]
    public void Json_writes_common_and_uncommon_method_scheme_protocol_and_verdict_alike(string method, string scheme, string protocol, string clientIpFrom)
    {
        var record = Record("/");
        record.Method = method;
        record.Scheme = scheme;
        record.Protocol = protocol;
        record.ClientIpFrom = clientIpFrom;
        record.ClientIp = IPAddress.Parse("fe80::1%2");
        record.TlsProtocol = System.Security.Authentication.SslProtocols.Tls13;
        record.TlsCipher = System.Net.Security.TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256;

        var text = Json(record);

        Assert.DoesNotContain('\n', text);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(method, json.GetProperty("method").GetString());
        Assert.Equal(scheme, json.GetProperty("scheme").GetString());
        Assert.Equal(protocol, json.GetProperty("protocol").GetString());
        Assert.Equal(clientIpFrom, json.GetProperty("client_ip_from").GetString());
        Assert.Equal("fe80::1%2", json.GetProperty("client_ip").GetString());
        Assert.Equal("172.70.1.2", json.GetProperty("peer_ip").GetString());
        Assert.Equal("TLSv1.3", json.GetProperty("tls_protocol").GetString());
        Assert.Equal("TLS_CHACHA20_POLY1305_SHA256", json.GetProperty("tls_cipher").GetString());
    }

    [Fact]
    public void One_formatter_writes_each_records_own_method_scheme_protocol_verdict_and_cipher_as_they_change()
    {
        // The formatter remembers the last value of each field: a record after a different one must show its own.
        var formatter = new AccessLogJsonFormatter();
        var buffer = new ArrayBufferWriter<byte>();
        (string Method, string Scheme, string Protocol, string? From, System.Net.Security.TlsCipherSuite? Cipher)[] steps =
        [
            ("GET", "https", "HTTP/2", "header", System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256),
            ("POST", "http", "HTTP/1.1", "peer", System.Net.Security.TlsCipherSuite.TLS_AES_256_GCM_SHA384),
            ("GET", "https", "HTTP/2", null, null),
            ("PURGE", "https", "HTTP/2", "header", System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256),
            (new string("GET".AsSpan()), "https", "HTTP/1.0", "untrusted-peer", System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256),
        ];

        foreach (var step in steps)
        {
            var record = Record("/");
            (record.Method, record.Scheme, record.Protocol, record.ClientIpFrom, record.TlsCipher) = step;
            buffer.ResetWrittenCount();
            formatter.Write(record, buffer);

            Assert.Equal(Json(record), Encoding.UTF8.GetString(buffer.WrittenSpan));
            var json = JsonDocument.Parse(buffer.WrittenMemory).RootElement;
            Assert.Equal(step.Method, json.GetProperty("method").GetString());
            Assert.Equal(step.From, json.TryGetProperty("client_ip_from", out var from) ? from.GetString() : null);
            Assert.Equal(step.Cipher?.ToString(), json.TryGetProperty("tls_cipher", out var cipher) ? cipher.GetString() : null);
        }
    }

    // nginx's combined plus $request_time: $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time
    [GeneratedRegex("""^(?<ip>[0-9a-fA-F.:]+) - (?<user>\S+) \[(?<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] "(?<request>[^"\\]*(?:\\.[^"\\]*)*)" (?<status>\d{3}) (?<bytes>\d+) "(?<referer>[^"\\]*(?:\\.[^"\\]*)*)" "(?<agent>[^"\\]*(?:\\.[^"\\]*)*)" (?<time_s>\d+\.\d{3})$""")]
    internal static partial Regex CombinedGrammar();

    [Fact]
    public void Combined_lines_match_the_combined_grammar_with_the_client_ip_first_and_the_request_time_appended()
    {
        var record = Record("/a b?q=%0A");
        record.User = "alice";

        var line = Combined(record);

        var match = CombinedGrammar().Match(line);
        Assert.True(match.Success, line);
        Assert.Equal("203.0.113.7", match.Groups["ip"].Value);
        Assert.Equal("alice", match.Groups["user"].Value);
        Assert.Equal("28/Nov/2026:23:10:09 +0000", match.Groups["time"].Value);
        Assert.Equal("GET /a b?q=%0A HTTP/1.1", match.Groups["request"].Value);
        Assert.Equal("200", match.Groups["status"].Value);
        Assert.Equal("1234", match.Groups["bytes"].Value);
        Assert.Equal("https://example.com/\\x22quoted\\x22", match.Groups["referer"].Value);
        Assert.Equal("0.012", match.Groups["time_s"].Value);
    }

    [Fact]
    public void Combined_escapes_control_characters_quotes_and_non_ascii_as_nginx_does()
    {
        var record = Record("/x\n\"y", userAgent: "a\r\nb\u00e9");
        record.User = "bob smith";

        var line = Combined(record);

        Assert.Matches(CombinedGrammar(), line);
        Assert.Contains("\"GET /x\\x0A\\x22y HTTP/1.1\"", line, StringComparison.Ordinal);
        Assert.Contains("\"a\\x0D\\x0Ab\\xC3\\xA9\"", line, StringComparison.Ordinal);
        Assert.Contains(" - bob\\x20smith [", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12.3456, "0.012")]
    [InlineData(0.4, "0.000")]
    [InlineData(999.5, "1.000")]
    [InlineData(1500.5, "1.501")]
    [InlineData(61234.0, "61.234")]
    public void Combined_times_are_utc_and_request_times_are_seconds_with_milliseconds(double milliseconds, string expected)
    {
        var record = Record("/");
        record.Time = new DateTimeOffset(2027, 1, 2, 4, 4, 5, 999, TimeSpan.FromHours(1));
        record.DurationMs = milliseconds;

        var match = CombinedGrammar().Match(Combined(record));

        Assert.True(match.Success);
        Assert.Equal("02/Jan/2027:03:04:05 +0000", match.Groups["time"].Value);
        Assert.Equal(expected, match.Groups["time_s"].Value);
    }

    [Fact]
    public void Combined_escapes_backslashes_surrogate_pairs_and_broken_text_byte_by_byte()
    {
        var record = Record("/", userAgent: "a\\b \U0001F600 \uD800!");

        var line = Combined(record);

        Assert.Matches(CombinedGrammar(), line);
        Assert.Contains("\"a\\x5Cb \\xF0\\x9F\\x98\\x80 \\xEF\\xBF\\xBD!\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Combined_uses_dashes_for_what_is_absent()
    {
        var record = Record("/", userAgent: null);
        record.Referer = null;
        record.ClientIp = null;

        Assert.Equal("- - - [28/Nov/2026:23:10:09 +0000] \"GET / HTTP/1.1\" 200 1234 \"-\" \"-\" 0.012", Combined(record));
    }
}
