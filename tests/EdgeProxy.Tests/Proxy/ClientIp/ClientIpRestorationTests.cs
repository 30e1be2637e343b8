using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Tests.Proxy.ClientIp;

/// <summary>The client-IP rules over real sockets (peers and backend as <see cref="ClientIpScenario"/> sets them up).</summary>
public sealed class ClientIpRestorationTests
{
    [Fact]
    public async Task A_trusted_peer_states_the_client_ip_and_the_backend_gets_exactly_it()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = proxy.HttpFrom(Trusted);

        var seen = await SendAsync(client, backend,
            ("CF-Connecting-IP", "203.0.113.7"), ("X-Forwarded-For", "6.6.6.6"), ("X-Real-IP", "6.6.6.6"), ("Forwarded", "for=6.6.6.6"));

        Assert.Equal("203.0.113.7", seen["X-Forwarded-For"]);
        Assert.Equal("203.0.113.7", seen["X-Real-IP"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal(proxy.HttpUri!.Authority, seen["X-Forwarded-Host"]);
        Assert.Null(seen["Forwarded"]);
        Assert.Null(seen["CF-Connecting-IP"]);
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_restored_total"));
    }

    [Fact]
    public async Task An_untrusted_peer_is_the_client_and_none_of_its_forwarding_headers_pass()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = proxy.HttpFrom(Untrusted);

        var seen = await SendAsync(client, backend,
            ("CF-Connecting-IP", "203.0.113.7"), ("CF-Connecting-IPv6", "2001:db8::7"), ("X-Forwarded-For", "203.0.113.7"),
            ("X-Real-IP", "203.0.113.7"), ("Forwarded", "for=203.0.113.7"), ("True-Client-IP", "203.0.113.7"),
            ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Proto", "https"));

        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("127.0.0.1", seen["X-Real-IP"]);
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal(proxy.HttpUri!.Authority, seen["X-Forwarded-Host"]);
        foreach (var name in new[] { "Forwarded", "True-Client-IP", "CF-Connecting-IP", "CF-Connecting-IPv6" })
        {
            Assert.Null(seen[name]);
        }

        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_untrusted_header_total"));
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_client_ip_restored_total"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("203.0.113.7, 198.51.100.1")]
    [InlineData("garbage")]
    [InlineData("203.0.113.7:8080")]
    [InlineData("[2001:db8::1]:443")]
    [InlineData("10.1")]
    public async Task A_malformed_header_from_a_trusted_peer_falls_back_to_the_peer_and_is_counted(string value)
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = proxy.HttpFrom(Trusted);

        var seen = await SendAsync(client, backend, ("CF-Connecting-IP", value));

        Assert.Equal("127.0.0.2", seen["X-Forwarded-For"]);
        Assert.Equal("127.0.0.2", seen["X-Real-IP"]);
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_malformed_header_total"));
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_client_ip_restored_total"));
    }

    [Fact]
    public async Task A_repeated_header_from_a_trusted_peer_is_ignored()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));

        // Two header lines need a raw request: HttpClient would fold them into one.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(Trusted, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.HttpUri!.Port));
        var request = $"GET /ip HTTP/1.1\r\nHost: {proxy.HttpUri.Authority}\r\nCF-Connecting-IP: 203.0.113.7\r\nCF-Connecting-IP: 198.51.100.1\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        using var stream = new NetworkStream(socket);
        var response = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Equal("127.0.0.2", backend.LastHeaders!["X-Forwarded-For"].ToString());
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_malformed_header_total"));
    }

    [Fact]
    public async Task Pseudo_ipv4_from_a_trusted_peer_gives_the_ipv6_client()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var trusted = proxy.HttpFrom(Trusted);
        using var untrusted = proxy.HttpFrom(Untrusted);

        Assert.Equal("2001:db8::7", (await SendAsync(trusted, backend, ("CF-Connecting-IP", "240.0.0.9"), ("CF-Connecting-IPv6", "2001:db8::7")))["X-Real-IP"]);
        Assert.Equal("240.0.0.9", (await SendAsync(trusted, backend, ("CF-Connecting-IP", "240.0.0.9")))["X-Real-IP"]);
        Assert.Equal("240.0.0.9", (await SendAsync(trusted, backend, ("CF-Connecting-IP", "240.0.0.9"), ("CF-Connecting-IPv6", "garbage")))["X-Real-IP"]);
        // Outside 240.0.0.0/4 the IPv6 header plays no part.
        Assert.Equal("203.0.113.7", (await SendAsync(trusted, backend, ("CF-Connecting-IP", "203.0.113.7"), ("CF-Connecting-IPv6", "2001:db8::7")))["X-Real-IP"]);
        Assert.Equal("127.0.0.1", (await SendAsync(untrusted, backend, ("CF-Connecting-IP", "240.0.0.9"), ("CF-Connecting-IPv6", "2001:db8::7")))["X-Real-IP"]);
    }

    [Fact]
    public async Task An_ipv6_peer_is_matched_against_ipv6_networks()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend);
        config["Kestrel"]!["Endpoints"]!["Http"]!["Url"] = "http://[::1]:0";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var client = LoopbackClient.Create(IPAddress.IPv6Loopback, proxy.HttpUri!);

        Assert.Equal("203.0.113.7", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Forwarded-For"]);
    }

    [Fact]
    public async Task An_ipv4_mapped_peer_on_a_dual_stack_listener_counts_as_ipv4()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend);
        config["Kestrel"]!["Endpoints"]!["Http"]!["Url"] = "http://[::]:0";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var port = proxy.HttpUri!.Port;
        using var trusted = LoopbackClient.Create(Trusted, new Uri($"http://127.0.0.1:{port}"));
        using var untrusted = LoopbackClient.Create(Untrusted, new Uri($"http://127.0.0.1:{port}"));

        Assert.Equal("203.0.113.7", (await SendAsync(trusted, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Forwarded-For"]);
        Assert.Equal("127.0.0.1", (await SendAsync(untrusted, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Forwarded-For"]);
    }

    [Fact]
    public async Task Each_request_on_one_connection_is_judged_on_its_own()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        var connections = 0;
        using var client = LoopbackClient.Create(Trusted, proxy.HttpUri!, () => Interlocked.Increment(ref connections));

        Assert.Equal("203.0.113.7", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        Assert.Equal("127.0.0.2", (await SendAsync(client, backend))["X-Real-IP"]);
        Assert.Equal("198.51.100.9", (await SendAsync(client, backend, ("CF-Connecting-IP", "198.51.100.9")))["X-Real-IP"]);
        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task The_access_log_shows_the_restored_client_ip()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend);
        config["EdgeProxy"]!["AccessLog"]!["File"] = "access.log";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var client = proxy.HttpFrom(Trusted);

        await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7"));

        var record = await AccessLogFile.WaitForRecordAsync(Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "access.log"), r => r.Text("path") == "/ip");
        Assert.Equal("203.0.113.7", record.Text("client_ip"));
        Assert.Equal("127.0.0.2", record.Text("peer_ip"));
        Assert.Equal("header", record.Text("client_ip_from"));
        Assert.Equal("GET", record.Text("method"));
        Assert.Equal(200, record.GetProperty("status").GetInt32());
    }
}
