using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// WebSockets through the whole proxy: over HTTP/1.1 (Upgrade, 101) on the plain listener and over HTTP/2 (RFC 8441
/// extended CONNECT) on the TLS listener, to an HTTP/1.1 backend (YARP turns the extended CONNECT into an Upgrade)
/// or an h2c one.
/// </summary>
public sealed class WebSocketTests
{
    public static TheoryData<bool> ClientProtocols => new() { false, true };

    [Theory]
    [MemberData(nameof(ClientProtocols))]
    public async Task Text_and_binary_frames_echo_both_ways_and_the_client_closes(bool http2)
    {
        await using var backend = await WebSocketEchoBackend.StartAsync();
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var socket = await ConnectAsync(proxy, http2, "/ws", Untrusted);
        Assert.Equal(WebSocketState.Open, socket.State);

        await WebSocketText.SendTextAsync(socket, "héllo");
        Assert.Equal("héllo", await WebSocketText.ReceiveTextAsync(socket));

        var binary = new byte[40_000];
        Random.Shared.NextBytes(binary);
        await socket.SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, default);
        var echoed = new byte[64 * 1024];
        var (type, length) = await WebSocketText.ReceiveMessageAsync(socket, echoed, default);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.True(binary.AsSpan().SequenceEqual(echoed.AsSpan(0, length)));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "client done", default);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("client done", socket.CloseStatusDescription); // the backend's close echoed the client's reason

        var upgrade = Assert.Single(backend.Upgrades);
        Assert.Equal("HTTP/1.1", upgrade.Protocol);
        Assert.Equal("GET", upgrade.Method);
    }

    /// <summary>
    /// A cluster set to HTTP/2 exactly (h2c) gets the socket as an extended CONNECT, whichever way the client came:
    /// YARP turns an HTTP/1.1 Upgrade into an extended CONNECT upstream.
    /// </summary>
    [Theory]
    [MemberData(nameof(ClientProtocols))]
    public async Task An_http2_backend_gets_the_socket_as_extended_connect(bool http2)
    {
        await using var backend = await WebSocketEchoBackend.StartAsync(protocols: HttpProtocols.Http2);
        var config = Config(backend);
        config["ReverseProxy"]!["Clusters"]!["main"]!["HttpRequest"] = new JsonObject { ["Version"] = "2", ["VersionPolicy"] = "RequestVersionExact" };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var socket = await ConnectAsync(proxy, http2, "/ws", Untrusted);

        await WebSocketText.SendTextAsync(socket, "over h2c");
        Assert.Equal("over h2c", await WebSocketText.ReceiveTextAsync(socket));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", default);
        Assert.Equal("bye", socket.CloseStatusDescription);

        var upgrade = Assert.Single(backend.Upgrades);
        Assert.Equal("HTTP/2", upgrade.Protocol);
        Assert.Equal("CONNECT", upgrade.Method);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols))]
    public async Task The_backend_closes_and_the_client_sees_its_status_and_reason(bool http2)
    {
        await using var backend = await WebSocketEchoBackend.StartAsync();
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var socket = await ConnectAsync(proxy, http2, "/ws", Untrusted);

        await WebSocketText.SendTextAsync(socket, WebSocketEchoBackend.CloseRequest);
        var (type, _) = await WebSocketText.ReceiveMessageAsync(socket, new byte[1024], default);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal(WebSocketEchoBackend.ServerCloseReason, socket.CloseStatusDescription);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    /// <summary>
    /// Both ends ping every 100 ms and give up when no pong comes within 1 s; an idle second and a half passes, then a
    /// message still echoes. Pongs that the proxy lost or held back would abort one side or the other.
    /// </summary>
    [Theory]
    [MemberData(nameof(ClientProtocols))]
    public async Task Pings_from_either_end_are_answered_with_pongs_through_the_proxy(bool http2)
    {
        var interval = TimeSpan.FromMilliseconds(100);
        await using var backend = await WebSocketEchoBackend.StartAsync(keepAlive: interval);
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var socket = await ConnectAsync(proxy, http2, "/ws", Untrusted, o =>
        {
            o.KeepAliveInterval = interval;
            o.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        });

        var reply = WebSocketText.ReceiveTextAsync(socket);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(reply.IsCompleted, reply.Exception?.ToString());
        Assert.Equal(WebSocketState.Open, socket.State);
        await WebSocketText.SendTextAsync(socket, "still here");
        Assert.Equal("still here", await reply);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols))]
    public async Task The_backend_sees_the_restored_client_ip_on_the_upgrade_request(bool http2)
    {
        await using var backend = await WebSocketEchoBackend.StartAsync();
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var socket = await ConnectAsync(proxy, http2, "/ws", Trusted, o => o.SetRequestHeader("CF-Connecting-IP", "203.0.113.7"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);

        Assert.Equal("203.0.113.7", Assert.Single(backend.Upgrades).ForwardedFor);
    }

    /// <summary>
    /// YARP's cluster <c>HttpRequest:ActivityTimeout</c> also bounds an upgraded socket's silence (pings count as
    /// activity). <c>EdgeProxy:Upstream:ActivityTimeout</c> (1 s here) fills it for clusters without their own; a
    /// cluster that sets 30 s keeps its idle socket open.
    /// </summary>
    [Theory]
    [MemberData(nameof(ClientProtocols))]
    public async Task An_idle_socket_outlives_the_upstream_activity_timeout_only_when_its_cluster_says_so(bool http2)
    {
        await using var backend = await WebSocketEchoBackend.StartAsync();
        var config = Config(backend);
        config["EdgeProxy"]!["Upstream"] = new JsonObject { ["ActivityTimeout"] = "00:00:01" };
        var reverseProxy = config["ReverseProxy"]!;
        reverseProxy["Routes"]!["long"] = new JsonObject { ["ClusterId"] = "long", ["Order"] = -1, ["Match"] = new JsonObject { ["Path"] = "/long-lived" } };
        reverseProxy["Clusters"]!["long"] = new JsonObject
        {
            ["HttpRequest"] = new JsonObject { ["ActivityTimeout"] = "00:00:30" },
            ["Destinations"] = TestConfig.Destinations(backend.Address.ToString()),
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var defaulted = await ConnectAsync(proxy, http2, "/ws", Untrusted);
        using var lasting = await ConnectAsync(proxy, http2, "/long-lived", Untrusted);

        var defaultedReceive = WebSocketText.ReceiveMessageAsync(defaulted, new byte[1024], default);
        var lastingReply = WebSocketText.ReceiveTextAsync(lasting);
        await Task.Delay(TimeSpan.FromSeconds(3));

        // The defaulted socket was cut (an abort, not a close handshake: YARP cancels both directions).
        Assert.True(defaultedReceive.IsCompleted, "the idle socket on the defaulted cluster is still open after 3 s");
        Assert.True(defaultedReceive.IsFaulted || (await defaultedReceive).Type == WebSocketMessageType.Close);
        Assert.False(lastingReply.IsCompleted, lastingReply.Exception?.ToString());
        await WebSocketText.SendTextAsync(lasting, "after 3 s of silence");
        Assert.Equal("after 3 s of silence", await lastingReply);
        await lasting.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);
    }

    internal static JsonObject Config(WebSocketEchoBackend backend)
    {
        var config = TestConfig.SingleCluster(backend.Address.ToString());
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.2/32");
        return config;
    }

    /// <summary>
    /// A client WebSocket from <paramref name="from"/>: over HTTP/1.1 to the plain listener, or over HTTP/2 (extended
    /// CONNECT, exactly) to the TLS listener. Client pings are off unless <paramref name="configure"/> sets them.
    /// </summary>
    internal static async Task<ClientWebSocket> ConnectAsync(ProxyUnderTest proxy, bool http2, string path, IPAddress from, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        if (http2)
        {
            socket.Options.HttpVersion = HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        configure?.Invoke(socket.Options);
        var baseUri = http2 ? proxy.HttpsUri! : proxy.HttpUri!;
        var uri = new UriBuilder(baseUri) { Scheme = http2 ? "wss" : "ws", Path = path }.Uri;
        // The invoker's handler carries the source address and TLS settings; the socket disposes nothing of it.
        var invoker = LoopbackClient.Create(from, baseUri, configure: LoopbackClient.Tls());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, invoker, timeout.Token);
        Assert.Equal(http2 ? HttpStatusCode.OK : HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        return socket;
    }
}
