using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Proxy.ClientIp;

/// <summary>
/// <c>RequireTrustedPeer</c>: an untrusted peer's connection is closed right after accept, on every public listener,
/// before TLS: no byte is answered and no certificate is shown. Trusted peers and the admin listener are unaffected.
/// </summary>
public sealed class TrustedPeerLockTests
{
    /// <summary>Connects from <paramref name="from"/>, sends a request and returns everything answered before the close.</summary>
    private static async Task<string> RawExchangeAsync(IPAddress from, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var answer = new MemoryStream();
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /ip HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"));
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }

    [Fact]
    public async Task An_untrusted_peer_gets_no_answer_on_http_while_a_trusted_one_is_served()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, c => c["RequireTrustedPeer"] = true));

        Assert.Equal("", await RawExchangeAsync(Untrusted, proxy.HttpUri!.Port));
        Assert.Null(backend.LastHeaders);
        Assert.StartsWith("HTTP/1.1 200", await RawExchangeAsync(Trusted, proxy.HttpUri.Port));
        Assert.Equal(HttpStatusCode.OK, (await proxy.Admin.GetAsync("/healthz")).StatusCode); // the admin listener is not locked (peer 127.0.0.1)
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_locked_out_total"));
    }

    [RequiresCommandFact("openssl")]
    public async Task An_untrusted_peer_is_shown_no_certificate_on_https()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, c => c["RequireTrustedPeer"] = true));

        var result = await OpenSslCli.ClientAsync(proxy.HttpsUri!.Port, "-servername localhost"); // from 127.0.0.1: untrusted

        Assert.Contains("no peer certificate available", result.Output);
        Assert.DoesNotContain("BEGIN CERTIFICATE", result.Output);
        Assert.Null(result.Negotiated);
        using var trusted = LoopbackClient.Create(Trusted, proxy.HttpsUri, configure: LoopbackClient.Tls());
        Assert.Equal(HttpStatusCode.OK, (await trusted.GetAsync("/ip")).StatusCode);
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_locked_out_total"));
    }

    [Fact]
    public async Task A_dual_stack_listener_judges_ipv4_peers_by_their_ipv4_address()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, c => c["RequireTrustedPeer"] = true);
        config["Kestrel"]!["Endpoints"]!["Http"]!["Url"] = "http://[::]:0";
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        // The peers arrive as ::ffff:127.0.0.x; only 127.0.0.2 is trusted.
        Assert.Equal("", await RawExchangeAsync(Untrusted, proxy.HttpUri!.Port));
        Assert.StartsWith("HTTP/1.1 200", await RawExchangeAsync(Trusted, proxy.HttpUri.Port));
    }

    [Fact]
    public async Task Http3_on_a_public_endpoint_is_refused_with_the_lock()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, c => c["RequireTrustedPeer"] = true);
        config["Kestrel"]!["EndpointDefaults"] = new System.Text.Json.Nodes.JsonObject { ["Protocols"] = "Http1AndHttp2AndHttp3" };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));

        Assert.Contains("EdgeProxy:ClientIp:RequireTrustedPeer: Kestrel:EndpointDefaults:Protocols enables HTTP/3", refused.Message);
    }
}
