using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Middleware.ProxyProtocol.ProxyHeaderBytes;
using static EdgeProxy.Tests.Proxy.ProxyProtocol.ProxyProtocolScenario;

namespace EdgeProxy.Tests.Proxy.ProxyProtocol;

/// <summary>
/// PROXY listeners on raw sockets: the header's source becomes the client for everything after it (backend, access log,
/// the lock, client-IP trust); every bad connection is closed before TLS without an answer, counted by its reason, and
/// the listener keeps serving the others.
/// </summary>
public sealed class ProxyProtocolListenerTests
{
    private static readonly IPEndPoint Client = IPEndPoint.Parse("203.0.113.7:51000");
    private static readonly IPEndPoint Front = IPEndPoint.Parse("198.51.100.2:443");

    private static Task<long> RefusedAsync(ProxyUnderTest proxy, string reason) => proxy.MetricAsync($"edgeproxy_proxy_protocol_refused_total{{reason=\"{reason}\"}}");

    [Fact]
    public async Task V1_and_v2_headers_from_the_balancer_make_their_source_the_client()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"]));
        var server = EndPoint(proxy.HttpUri!);

        var v2 = await ExchangeAsync(Balancer, server, Concat(V2Tcp(Client, Front), Request()));
        Assert.StartsWith("HTTP/1.1 200", v2);
        Assert.Equal("203.0.113.7", backend.LastHeaders!["X-Forwarded-For"].ToString());
        var v1 = await ExchangeAsync(Balancer, server, Concat(V1("PROXY TCP4 203.0.113.8 198.51.100.2 51001 443\r\n"), Request()));
        Assert.StartsWith("HTTP/1.1 200", v1);
        Assert.Equal("203.0.113.8", backend.LastHeaders!["X-Forwarded-For"].ToString());

        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("client_ip") == "203.0.113.7");
        Assert.Equal("203.0.113.7", record.Text("peer_ip"));
        Assert.Equal("127.0.0.3", record.Text("lb_ip"));
        var status = (await proxy.GetStatusAsync())["proxyProtocol"]!["endpoints"]!;
        Assert.True(status["Http"]!["expected"]!.GetValue<bool>());
        Assert.Equal(2, status["Http"]!["accepted"]!.GetValue<long>());
        Assert.Equal("127.0.0.3/32", status["Http"]!["trustedSenders"]![0]!.GetValue<string>());
        Assert.False(status["Https"]!["expected"]!.GetValue<bool>());
        Assert.Null(status["Https"]!["accepted"]);
        Assert.Equal(2, await proxy.MetricAsync("edgeproxy_proxy_protocol_accepted_total"));
    }

    [Fact]
    public async Task On_a_dual_stack_listener_an_ipv4_balancer_is_trusted_and_logged_as_ipv4()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Http"]);
        config["Kestrel"]!["Endpoints"]!["Http"]!["Url"] = "http://[::]:0";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var server = new IPEndPoint(IPAddress.Loopback, proxy.HttpUri!.Port);

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V2Tcp(Client, Front), Request("/dual"))));
        Assert.Equal("", await ExchangeAsync(Outsider, server, Concat(V2Tcp(Client, Front), Request())));

        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("path") == "/dual");
        Assert.Equal("203.0.113.7", record.Text("peer_ip"));
        Assert.Equal("127.0.0.3", record.Text("lb_ip"));
        Assert.Equal(1, await RefusedAsync(proxy, "untrusted-sender"));
    }

    [Fact]
    public async Task A_header_arriving_one_byte_at_a_time_is_waited_for()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"]));
        using var socket = await ConnectAsync(Balancer, EndPoint(proxy.HttpUri!));

        foreach (var b in V2Tcp(Client, Front, Tlv(0x04, new byte[3])))
        {
            await socket.SendAsync(new[] { b });
            await Task.Delay(5);
        }

        Assert.StartsWith("HTTP/1.1 200", await SendAndReadToCloseAsync(socket, Request()));
        Assert.Equal("203.0.113.7", backend.LastHeaders!["X-Forwarded-For"].ToString());
    }

    [Fact]
    public async Task Bad_connections_are_closed_unanswered_and_counted_while_good_ones_are_served()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"]));
        var server = EndPoint(proxy.HttpUri!);
        var cases = new (string Reason, IPAddress From, byte[] Bytes, bool EndSending)[]
        {
            ("missing", Balancer, Request(), false),
            ("untrusted-sender", Outsider, Concat(V2Tcp(Client, Front), Request()), false),
            ("malformed", Balancer, Concat(V1("PROXY TCP4 203.0.113.7 198.51.100.2 99999 443\r\n"), Request()), false),
            ("malformed", Balancer, Concat(V2(0x31, 0x11, new byte[12]), Request()), false),
            ("truncated", Balancer, V1("PROXY TCP4 203.0.113.7 "), true),
            ("truncated", Balancer, V2Tcp(Client, Front)[..20], true),
            ("oversized", Balancer, V1("PROXY UNKNOWN " + new string('x', 200)), false),
            ("oversized", Balancer, V2(0x21, 0x11, new byte[12], declaredLength: 4000), false),
        };

        foreach (var (reason, from, bytes, endSending) in cases)
        {
            Assert.True(await ExchangeAsync(from, server, bytes, endSending) == "", reason);
        }

        Assert.Null(backend.LastHeaders);
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V2Tcp(Client, Front), Request())));
        foreach (var (reason, expected) in new[] { ("missing", 1), ("untrusted-sender", 1), ("malformed", 2), ("truncated", 2), ("oversized", 2), ("timeout", 0) })
        {
            Assert.True(expected == await RefusedAsync(proxy, reason), reason);
        }

        var refused = (await proxy.GetStatusAsync())["proxyProtocol"]!["endpoints"]!["Http"]!["refused"]!;
        Assert.Equal(2, refused["malformed"]!.GetValue<long>());
        Assert.Equal(1, refused["untrusted-sender"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_header_that_does_not_arrive_within_the_timeout_closes_the_connection_while_others_are_served()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"], p => p["HeaderTimeout"] = "00:00:00.300"));
        var server = EndPoint(proxy.HttpUri!);
        using var slow = await ConnectAsync(Balancer, server);
        await slow.SendAsync(V1("PROXY TCP4 203.0.113.7"));

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V2Tcp(Client, Front), Request())));
        Assert.Equal("", await SendAndReadToCloseAsync(slow, []));
        Assert.Equal(1, await RefusedAsync(proxy, "timeout"));
    }

    [Fact]
    public async Task V2_local_is_served_with_the_balancer_address()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"]));

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, EndPoint(proxy.HttpUri!), Concat(V2Local(), Request("/local"))));

        Assert.Equal("127.0.0.3", backend.LastHeaders!["X-Forwarded-For"].ToString());
        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("path") == "/local");
        Assert.Equal("127.0.0.3", record.Text("peer_ip"));
        Assert.Equal("127.0.0.3", record.Text("lb_ip"));
    }

    [Fact]
    public async Task V1_unknown_is_served_with_the_balancer_address()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"]));

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, EndPoint(proxy.HttpUri!), Concat(V1("PROXY UNKNOWN\r\n"), Request())));

        Assert.Equal("127.0.0.3", backend.LastHeaders!["X-Forwarded-For"].ToString());
    }

    [Fact]
    public async Task V2_authority_and_alpn_reach_the_access_log_and_unknown_tlvs_are_ignored()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Http"]));
        var header = V2Tcp(Client, Front, Tlv(0xEA, [0x01, .. "vpce-0123"u8]), Tlv(0x02, "shop.example.com"u8.ToArray()), Tlv(0x01, "http/1.1"u8.ToArray()), Tlv(0x04, new byte[8]));

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, EndPoint(proxy.HttpUri!), Concat(header, Request("/tlv"))));

        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("path") == "/tlv");
        Assert.Equal("shop.example.com", record.Text("proxy_authority"));
        Assert.Equal("http/1.1", record.Text("proxy_alpn"));
        Assert.Equal("203.0.113.7", record.Text("peer_ip"));
    }

    [Fact]
    public async Task Ipv6_balancer_and_ipv6_or_mapped_sources()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Http"]);
        config["Kestrel"]!["Endpoints"]!["Http"]!["Url"] = "http://[::1]:0";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var server = EndPoint(proxy.HttpUri!);

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(IPAddress.IPv6Loopback, server, Concat(V2Tcp(IPEndPoint.Parse("[2001:db8::10]:40000"), IPEndPoint.Parse("[2001:db8::2]:443")), Request("/v6"))));
        Assert.Equal("2001:db8::10", backend.LastHeaders!["X-Forwarded-For"].ToString());
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(IPAddress.IPv6Loopback, server, Concat(V1("PROXY TCP6 ::ffff:203.0.113.9 ::ffff:198.51.100.2 40001 443\r\n"), Request())));
        Assert.Equal("203.0.113.9", backend.LastHeaders!["X-Forwarded-For"].ToString());

        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("path") == "/v6");
        Assert.Equal("2001:db8::10", record.Text("peer_ip"));
        Assert.Equal("::1", record.Text("lb_ip"));
    }

    [Fact]
    public async Task The_bytes_after_the_header_go_to_tls_and_an_unlisted_listener_needs_no_header()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, ["Https"]));

        // The header and the ClientHello in one write: the proxy reads both at once.
        var answer = await TlsExchangeAsync(Balancer, EndPoint(proxy.HttpsUri!), V2Tcp(Client, Front));

        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Equal("203.0.113.7", backend.LastHeaders!["X-Forwarded-For"].ToString());
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, EndPoint(proxy.HttpUri!), Request()));
        Assert.Equal("", await TlsOrNothingAsync(proxy));
        Assert.Equal(1, await RefusedAsync(proxy, "missing"));
    }

    /// <summary>A TLS client without a header on the PROXY listener: the ClientHello is no signature, the connection closes.</summary>
    private static async Task<string> TlsOrNothingAsync(ProxyUnderTest proxy)
    {
        try
        {
            return await TlsExchangeAsync(Balancer, EndPoint(proxy.HttpsUri!), []);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            return "";
        }
    }

    [Fact]
    public async Task The_lock_judges_the_header_source_not_the_balancer()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Http"]);
        config["EdgeProxy"]!["ClientIp"] = new JsonObject { ["TrustCloudflare"] = false, ["TrustedNetworks"] = new JsonArray("127.0.0.2/32"), ["RequireTrustedPeer"] = true };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var server = EndPoint(proxy.HttpUri!);

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V1("PROXY TCP4 127.0.0.2 198.51.100.2 51000 443\r\n"), Request())));
        Assert.Equal("", await ExchangeAsync(Balancer, server, Concat(V2Tcp(Client, Front), Request())));

        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_locked_out_total"));
        Assert.Equal(2, await proxy.MetricAsync("edgeproxy_proxy_protocol_accepted_total"));

        // The balancer's own health check (v2 LOCAL) passes the lock, served under its address, which stays untrusted:
        // its CF-Connecting-IP is not restored.
        var local = await ExchangeAsync(Balancer, server, Concat(V2Local(), Encoding.ASCII.GetBytes("GET /ip HTTP/1.1\r\nHost: example.com\r\nCF-Connecting-IP: 198.51.100.77\r\nConnection: close\r\n\r\n")));
        Assert.StartsWith("HTTP/1.1 200", local);
        Assert.DoesNotContain("198.51.100.77", local);
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_locked_out_total"));
    }

    [Fact]
    public async Task The_per_peer_connection_limit_counts_header_sources_not_the_balancer()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Http"]);
        config["EdgeProxy"]!["Connections"] = new JsonObject { ["MaxPerUntrustedPeer"] = 1 };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var server = EndPoint(proxy.HttpUri!);
        using var held = await ConnectAsync(Balancer, server);
        await held.SendAsync(Concat(V2Tcp(Client, Front), Encoding.ASCII.GetBytes("GET /ip HTTP/1.1\r\nHost: example.com\r\n\r\n")));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            while (!answer.ToString().Contains("backend=app", StringComparison.Ordinal))
            {
                var read = await held.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token);
                Assert.True(read > 0, answer.ToString());
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }

        // The same client again (through the same balancer) is over its limit; another client is not.
        Assert.Equal("", await ExchangeAsync(Balancer, server, Concat(V2Tcp(IPEndPoint.Parse("203.0.113.7:51002"), Front), Request())));
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V2Tcp(IPEndPoint.Parse("203.0.113.8:51003"), Front), Request())));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_connections_refused_total{reason=\"per-peer\"}"));
    }

    [Fact]
    public async Task Cf_connecting_ip_is_restored_only_when_the_header_source_is_trusted()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Http"]);
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.2/32");
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var server = EndPoint(proxy.HttpUri!);
        var withCf = Encoding.ASCII.GetBytes("GET /ip HTTP/1.1\r\nHost: example.com\r\nCF-Connecting-IP: 198.51.100.77\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V1("PROXY TCP4 127.0.0.2 198.51.100.2 51000 443\r\n"), withCf)));
        Assert.Equal("198.51.100.77", backend.LastHeaders!["X-Forwarded-For"].ToString());
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(Balancer, server, Concat(V2Tcp(Client, Front), withCf)));
        Assert.Equal("203.0.113.7", backend.LastHeaders!["X-Forwarded-For"].ToString());
    }
}
