using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Middleware.AccessLog;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The whole proxy on loopback writing its access log to a file; every record read back and parsed.</summary>
public sealed class AccessLogEndToEndTests
{
    private static JsonObject FileConfig(string destination, string format = "Json")
    {
        var config = TestConfig.SingleCluster(destination);
        var edge = config["EdgeProxy"]!.AsObject();
        edge["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.2/32");
        edge["AccessLog"] = new JsonObject { ["Console"] = false, ["File"] = "logs/access.log", ["Format"] = format };
        return config;
    }

    private static string LogPath(ProxyUnderTest proxy) => Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "logs", "access.log");

    [Fact]
    public async Task Cr_lf_in_path_and_query_stay_escaped_on_one_line_with_trusted_and_untrusted_peers()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig(backend.Address));
        using var trusted = proxy.HttpFrom(Trusted);
        using var untrusted = proxy.HttpFrom(Untrusted);

        foreach (var (client, path) in new[] { (trusted, "/t%0Ax%0D?q=%0A%0D&a=1"), (untrusted, "/u%0Ax%0D?q=%0D%0A") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("CF-Connecting-IP", "203.0.113.7");
            request.Headers.TryAddWithoutValidation("CF-Ray", "8f0c1a2b3c4d5e6f-AKL");
            request.Headers.TryAddWithoutValidation("User-Agent", "test/1");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var fromTrusted = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.Text("path") == "/t%0Ax%0D");
        var fromUntrusted = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.Text("path") == "/u%0Ax%0D");
        Assert.Equal(2, AccessLogFile.Lines(LogPath(proxy)).Length); // one line per request, whatever the request held

        Assert.Equal("q=%0A%0D&a=1", fromTrusted.Text("query"));
        Assert.Equal("203.0.113.7", fromTrusted.Text("client_ip"));
        Assert.Equal("127.0.0.2", fromTrusted.Text("peer_ip"));
        Assert.Equal("header", fromTrusted.Text("client_ip_from"));
        Assert.Equal("8f0c1a2b3c4d5e6f-AKL", fromTrusted.Text("cf_ray"));
        Assert.Equal("test/1", fromTrusted.Text("user_agent"));
        Assert.Equal("http", fromTrusted.Text("scheme"));
        Assert.Equal("HTTP/1.1", fromTrusted.Text("protocol"));
        Assert.Equal("all", fromTrusted.Text("route"));
        Assert.Equal("main", fromTrusted.Text("cluster"));
        Assert.Equal("d0", fromTrusted.Text("destination"));
        Assert.True(fromTrusted.GetProperty("bytes_out").GetInt64() > 0);
        Assert.True(fromTrusted.GetProperty("upstream_ms").GetDouble() >= 0);
        Assert.True(fromTrusted.GetProperty("upstream_ms").GetDouble() <= fromTrusted.GetProperty("duration_ms").GetDouble());

        Assert.Equal("q=%0D%0A", fromUntrusted.Text("query"));
        Assert.Equal("127.0.0.1", fromUntrusted.Text("client_ip"));
        Assert.Equal("untrusted-peer", fromUntrusted.Text("client_ip_from"));
    }

    [Fact]
    public async Task An_http2_request_over_tls_records_protocol_tls_version_cipher_sni_and_request_bytes()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig(backend.Address));
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        { BaseAddress = proxy.HttpsUri };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/h2?x=1") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = new ByteArrayContent(new byte[777]) };
        request.Headers.Host = "localhost"; // SocketsHttpHandler sends the Host header's name as SNI
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var record = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.Text("path") == "/h2");
        Assert.Equal("HTTP/2", record.Text("protocol"));
        Assert.Equal("https", record.Text("scheme"));
        Assert.StartsWith("TLSv1.", record.Text("tls_protocol"), StringComparison.Ordinal);
        Assert.StartsWith("TLS_", record.Text("tls_cipher"), StringComparison.Ordinal);
        Assert.Equal("localhost", record.Text("sni"));
        Assert.Equal(777, record.GetProperty("bytes_in").GetInt64());
    }

    [Fact]
    public async Task A_dead_destination_gives_a_502_record_that_says_why()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig("http://127.0.0.1:9"));

        using var response = await proxy.Http.GetAsync("/dead");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);

        var record = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.Text("path") == "/dead");
        Assert.Equal(502, record.GetProperty("status").GetInt32());
        Assert.Equal("connect refused", record.Text("error"));
        Assert.Equal("main", record.Text("cluster"));
        Assert.Equal("d0", record.Text("destination"));
    }

    private static async Task<string> RawAsync(Uri uri, string request, bool complete = true)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, uri.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, deadline.Token);
        _ = complete;
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task Requests_kestrel_answers_itself_become_records_431_for_an_oversized_header_and_408_for_a_header_timeout()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig(backend.Address),
            services => services.Configure<KestrelServerOptions>(o => o.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1)));

        var tooLarge = await RawAsync(proxy.HttpUri!, $"GET /big%0A?q=1 HTTP/1.1\r\nHost: a\r\nX-Big: {new string('x', 40_000)}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431", tooLarge, StringComparison.Ordinal);
        var slow = await RawAsync(proxy.HttpUri!, "GET /slow HTTP/1.1\r\nHost: a\r\n", complete: false);
        Assert.StartsWith("HTTP/1.1 408", slow, StringComparison.Ordinal);

        var big = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.Text("path") == "/big%0A");
        Assert.Equal(431, big.GetProperty("status").GetInt32());
        Assert.Equal("request headers too large", big.Text("error"));
        Assert.Equal("GET", big.Text("method"));
        Assert.Equal("127.0.0.1", big.Text("client_ip"));
        var timedOut = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.Text("path") == "/slow");
        Assert.Equal(408, timedOut.GetProperty("status").GetInt32());
        Assert.Equal("request headers timeout", timedOut.Text("error"));
    }

    [Fact]
    public async Task A_malformed_request_line_becomes_a_400_record()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig(backend.Address));

        var answer = await RawAsync(proxy.HttpUri!, "GET /x y z\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);

        var record = await AccessLogFile.WaitForRecordAsync(LogPath(proxy), r => r.GetProperty("status").GetInt32() == 400);
        Assert.StartsWith("bad request", record.Text("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Combined_lines_in_the_file_match_the_combined_grammar()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig(backend.Address, "Combined"));
        using var client = proxy.HttpFrom(Trusted);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/c%0A?q=%0D");
        request.Headers.TryAddWithoutValidation("CF-Connecting-IP", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("User-Agent", "agent \"quoted\"");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(AccessLogFile.Lines(LogPath(proxy)).Length == 1), TimeSpan.FromSeconds(10)));
        var line = Assert.Single(AccessLogFile.Lines(LogPath(proxy)));
        var match = AccessLogFormatterTests.CombinedGrammar().Match(line);
        Assert.True(match.Success, line);
        Assert.Equal("203.0.113.9", match.Groups["ip"].Value);
        Assert.Equal("GET /c%0A?q=%0D HTTP/1.1", match.Groups["request"].Value);
        Assert.Equal("agent \\x22quoted\\x22", match.Groups["agent"].Value);
    }

    [Fact]
    public async Task The_file_renamed_away_is_reopened_at_its_path_and_a_recreated_file_gets_the_next_records()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(FileConfig(backend.Address));
        var path = LogPath(proxy);

        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/first")).StatusCode);
        await AccessLogFile.WaitForRecordAsync(path, r => r.Text("path") == "/first");
        File.Move(path, path + ".1"); // logrotate without copytruncate

        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/second")).StatusCode);
        await AccessLogFile.WaitForRecordAsync(path, r => r.Text("path") == "/second");
        File.Move(path, path + ".2");
        await File.WriteAllTextAsync(path, ""); // logrotate's "create"

        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/third")).StatusCode);
        await AccessLogFile.WaitForRecordAsync(path, r => r.Text("path") == "/third");

        Assert.Equal("/first", JsonDocument.Parse(Assert.Single(AccessLogFile.Lines(path + ".1"))).RootElement.Text("path"));
        Assert.Equal("/second", JsonDocument.Parse(Assert.Single(AccessLogFile.Lines(path + ".2"))).RootElement.Text("path"));
        Assert.Equal("/third", JsonDocument.Parse(Assert.Single(AccessLogFile.Lines(path))).RootElement.Text("path"));
    }

    [Fact]
    public async Task Disabled_writes_nothing()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = FileConfig(backend.Address);
        config["EdgeProxy"]!["AccessLog"]!["Enabled"] = false;
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/off")).StatusCode);
        Assert.False(File.Exists(LogPath(proxy)));
    }
}
