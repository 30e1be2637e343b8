using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Protocols.Grpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// gRPC through the proxy's TLS listener (HTTP/2 by ALPN) to a real gRPC server on HTTP/2: cleartext h2c (cluster
/// <c>HttpRequest.Version</c> "2", <c>VersionPolicy</c> "RequestVersionExact") or TLS.
/// </summary>
public sealed class GrpcTests
{
    public static TheoryData<bool> BackendTls => new() { false, true };

    [Theory]
    [MemberData(nameof(BackendTls))]
    public async Task Unary_call_with_its_trailers_and_the_restored_client_ip(bool tls)
    {
        await using var backend = await StartBackendAsync(tls);
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var channel = Channel(proxy, Trusted);
        var client = new Echo.EchoClient(channel);

        using var call = client.SayAsync(new EchoRequest { Text = "hi" }, new Metadata { { "CF-Connecting-IP", "203.0.113.7" } });
        var reply = await call;
        Assert.Equal("hi", reply.Text);
        Assert.Equal("203.0.113.7", reply.Peer);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("kept", call.GetTrailers().GetValue("echo-trailer"));
    }

    [Theory]
    [MemberData(nameof(BackendTls))]
    public async Task Server_streaming_delivers_each_message_as_sent_then_the_trailers(bool tls)
    {
        await using var backend = await StartBackendAsync(tls);
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var channel = Channel(proxy, Untrusted);
        var client = new Echo.EchoClient(channel);

        using var call = client.Count(new CountRequest { Count = 5, IntervalMs = 200 });
        var received = new List<string>();
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            received.Add(message.Text);
            // The first message arrives while the server is still streaming (200 ms between messages): nothing buffered.
            if (received.Count == 1)
            {
                Assert.Throws<InvalidOperationException>(() => call.GetStatus());
            }
        }

        Assert.Equal(["1", "2", "3", "4", "5"], received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("5", call.GetTrailers().GetValue("counted"));
    }

    /// <summary>The client's deadline travels as <c>grpc-timeout</c>; the backend gives up and says DEADLINE_EXCEEDED itself.</summary>
    [Theory]
    [MemberData(nameof(BackendTls))]
    public async Task A_deadline_reaches_the_backend_and_comes_back_as_deadline_exceeded(bool tls)
    {
        await using var backend = await StartBackendAsync(tls);
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var channel = Channel(proxy, Untrusted);
        var cancelledBefore = Volatile.Read(ref EchoService.Cancelled);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "slow", DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref EchoService.Cancelled) > cancelledBefore), TimeSpan.FromSeconds(5)),
            "the backend never saw the deadline");

        // Without a client that enforces it: the backend's own DEADLINE_EXCEEDED passes the proxy as a gRPC status.
        using var raw = RawClient(proxy);
        using var response = await raw.SendAsync(RawCall("/edgeproxy.tests.Echo/Say", new EchoRequest { Text = "slow", DelayMs = 10_000 }, ("grpc-timeout", "300m")));
        AssertGrpcStatus(response, StatusCode.DeadlineExceeded);
    }

    /// <summary>
    /// When the proxy itself gives up (the upstream silent past its activity timeout, or no backend at all), a gRPC
    /// client gets a gRPC status (DEADLINE_EXCEEDED, UNAVAILABLE) in a trailers-only answer, never a text or HTML body.
    /// </summary>
    [Fact]
    public async Task Errors_the_proxy_makes_are_grpc_statuses_not_a_text_body()
    {
        await using var backend = await StartBackendAsync(tls: false);
        var config = Config(backend);
        config["EdgeProxy"]!["Upstream"] = new JsonObject { ["ActivityTimeout"] = "00:00:01" };
        var reverseProxy = config["ReverseProxy"]!;
        reverseProxy["Routes"]!["dead"] = new JsonObject { ["ClusterId"] = "dead", ["Order"] = -1, ["Match"] = new JsonObject { ["Path"] = "/dead.Service/{**rest}" } };
        reverseProxy["Clusters"]!["dead"] = new JsonObject
        {
            ["HttpRequest"] = new JsonObject { ["Version"] = "2", ["VersionPolicy"] = "RequestVersionExact" },
            ["Destinations"] = TestConfig.Destinations("http://127.0.0.1:9"),
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var raw = RawClient(proxy);

        using (var timedOut = await raw.SendAsync(RawCall("/edgeproxy.tests.Echo/Say", new EchoRequest { Text = "slow", DelayMs = 5_000 })))
        {
            AssertGrpcStatus(timedOut, StatusCode.DeadlineExceeded);
        }

        using (var refused = await raw.SendAsync(RawCall("/dead.Service/Call", new EchoRequest { Text = "x" })))
        {
            AssertGrpcStatus(refused, StatusCode.Unavailable);
        }

        // The real client agrees: a status it understands, not "Bad gRPC response".
        using var channel = Channel(proxy, Untrusted);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "slow", DelayMs = 5_000 }));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.DoesNotContain("Bad gRPC response", error.Status.Detail, StringComparison.Ordinal);

        // A plain HTTP request to the same dead cluster still gets the short text body.
        using var plain = await raw.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dead.Service/page") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        Assert.Equal(HttpStatusCode.BadGateway, plain.StatusCode);
        Assert.StartsWith("text/plain", plain.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    private static Task<ProtocolBackend> StartBackendAsync(bool tls) =>
        ProtocolBackend.StartAsync(HttpProtocols.Http2, app => app.MapGrpcService<EchoService>(), tls, services => services.AddGrpc());

    private static JsonObject Config(ProtocolBackend backend)
    {
        var config = TestConfig.SingleCluster(backend.Address.ToString());
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.2/32");
        var cluster = config["ReverseProxy"]!["Clusters"]!["main"]!;
        cluster["HttpRequest"] = new JsonObject { ["Version"] = "2", ["VersionPolicy"] = "RequestVersionExact" };
        if (backend.Address.Scheme == "https")
        {
            // The test backend's certificate is self-signed; the proxy's trust of upstream certificates is not under test.
            cluster["HttpClient"] = new JsonObject { ["DangerousAcceptAnyServerCertificate"] = true };
        }

        return config;
    }

    private static GrpcChannel Channel(ProxyUnderTest proxy, IPAddress from) =>
        GrpcChannel.ForAddress(proxy.HttpsUri!, new GrpcChannelOptions { HttpClient = LoopbackClient.Create(from, proxy.HttpsUri!, configure: LoopbackClient.Tls()), DisposeHttpClient = true });

    private static HttpClient RawClient(ProxyUnderTest proxy) => LoopbackClient.Create(Untrusted, proxy.HttpsUri!, configure: LoopbackClient.Tls());

    /// <summary>A gRPC call made by hand (length-prefixed message, HTTP/2), so that the test sees the proxy's answer as sent.</summary>
    private static HttpRequestMessage RawCall(string path, EchoRequest message, params (string Name, string Value)[] headers)
    {
        var payload = Google.Protobuf.MessageExtensions.ToByteArray(message);
        var framed = new byte[5 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framed),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>HTTP 200, <c>application/grpc</c>, no body, and the status in <c>grpc-status</c> (headers of a trailers-only answer, or trailers).</summary>
    private static void AssertGrpcStatus(HttpResponseMessage response, StatusCode expected)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        var status = response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders.Single()
            : response.TrailingHeaders.TryGetValues("grpc-status", out var inTrailers) ? inTrailers.Single() : null;
        Assert.Equal(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture), status);
    }
}
