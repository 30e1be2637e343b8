using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// <c>Expect: 100-continue</c> and a route's own <c>MaxRequestBodySize</c> (YARP's route key; Kestrel's 100 MB is the
/// default for routes without one), on raw sockets so that the test controls when each body byte is sent.
/// </summary>
public sealed class RequestBodyLimitTests : IAsyncLifetime
{
    private const int SmallLimit = 1_000_000;
    private readonly ConcurrentQueue<string> _seen = new();
    private ProtocolBackend _backend = null!;
    private ProxyUnderTest _proxy = null!;

    public async Task InitializeAsync()
    {
        _backend = await ProtocolBackend.StartAsync(HttpProtocols.Http1, app => app.Run(async context =>
        {
            _seen.Enqueue($"{context.Request.Method} {context.Request.Path}");
            var length = 0L;
            var buffer = new byte[64 * 1024];
            for (int read; (read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0;)
            {
                length += read;
            }

            await context.Response.WriteAsync($"received={length}", context.RequestAborted);
        }));
        var config = TestConfig.SingleCluster(_backend.Address.ToString());
        config["ReverseProxy"]!["Routes"]!["small"] = new JsonObject
        {
            ["ClusterId"] = "main",
            ["Order"] = -1,
            ["MaxRequestBodySize"] = SmallLimit,
            ["Match"] = new JsonObject { ["Path"] = "/small/{**rest}" },
        };
        _proxy = await ProxyUnderTest.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Expect_100_continue_gets_100_before_the_body_is_sent_then_the_backends_answer()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

        var interim = await client.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 100 Continue", interim.StatusLine);
        await client.SendAsync("hello");
        var final = await client.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 200 ", final.StatusLine, StringComparison.Ordinal);
        Assert.Equal("received=5", final.Body);
    }

    [Fact]
    public async Task A_body_over_the_routes_limit_gets_413_before_it_is_read_and_the_backend_never_sees_it()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync($"POST /small/upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: {50 * SmallLimit}\r\n\r\n");
        await client.Stream.WriteAsync(new byte[64 * 1024]); // 64 KB of the 50 MB announced, then the client waits

        var response = await client.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 413 ", response.StatusLine, StringComparison.Ordinal);
        Assert.Empty(_seen);
        // As nginx: the connection is closed rather than the rest of the body drained, so the client stops sending.
        Assert.Equal("close", response["Connection"]);
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task Expect_100_continue_over_the_routes_limit_gets_413_and_no_100()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync($"POST /small/upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: {2 * SmallLimit}\r\nExpect: 100-continue\r\n\r\n");

        var response = await client.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 413 ", response.StatusLine, StringComparison.Ordinal);
        Assert.Empty(_seen);
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task Over_http2_a_body_over_the_routes_limit_gets_413_and_the_backend_never_sees_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/small/upload")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[2 * SmallLimit]),
        };
        using var response = await _proxy.Https.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task A_body_within_the_routes_limit_passes()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync($"POST /small/upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: {SmallLimit}\r\n\r\n");
        await client.Stream.WriteAsync(new byte[SmallLimit]);

        var response = await client.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 200 ", response.StatusLine, StringComparison.Ordinal);
        Assert.Equal($"received={SmallLimit}", response.Body);
    }
}
