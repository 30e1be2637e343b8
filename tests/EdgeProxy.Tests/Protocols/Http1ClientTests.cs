using System.Collections.Concurrent;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// Old and unusual HTTP/1.x clients on raw sockets, answered as nginx answers them: HTTP/1.0 (no chunking, close after
/// the answer), chunked request bodies (decoded for the backend), <c>Connection: close</c>, pipelined requests (in order).
/// </summary>
public sealed class Http1ClientTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _seen = new();
    private ProtocolBackend _backend = null!;
    private ProxyUnderTest _proxy = null!;

    public async Task InitializeAsync()
    {
        // Answers "METHOD PATH body=<the body it read>" with no length of its own (chunked from the backend).
        _backend = await ProtocolBackend.StartAsync(HttpProtocols.Http1, app => app.Run(async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            _seen.Enqueue($"{context.Request.Protocol} {context.Request.Method} {context.Request.Path} connection={context.Request.Headers.Connection} te={context.Request.Headers.TransferEncoding}");
            await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} body={body}", context.RequestAborted);
        }));
        _proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(_backend.Address.ToString()));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task An_http10_client_gets_an_unchunked_answer_and_the_connection_closed()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync("GET /old HTTP/1.0\r\nHost: example.com\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200 ", response.StatusLine, StringComparison.Ordinal); // nginx too answers 1.0 with a 1.1 status line
        Assert.Null(response["Transfer-Encoding"]); // a 1.0 client cannot read chunks: the end of the body is the close
        Assert.Equal("GET /old body=", response.Body);
        Assert.True(await client.ClosedByServerAsync());
    }

    [Fact]
    public async Task An_http10_client_without_a_host_header_is_served()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync("GET /nohost HTTP/1.0\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200 ", response.StatusLine, StringComparison.Ordinal);
        Assert.Equal("GET /nohost body=", response.Body);
    }

    [Fact]
    public async Task A_chunked_request_body_reaches_the_backend_whole()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        await Task.Delay(100); // the rest later, as a streaming client sends it
        await client.SendAsync("6\r\n world\r\n0\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200 ", response.StatusLine, StringComparison.Ordinal);
        Assert.Equal("POST /upload body=hello world", response.Body);
        Assert.Contains("te=chunked", Assert.Single(_seen), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_close_is_answered_then_the_connection_closed()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        await client.SendAsync("GET /bye HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.StartsWith("HTTP/1.1 200 ", response.StatusLine, StringComparison.Ordinal);
        Assert.Equal("close", response["Connection"]);
        Assert.Equal("GET /bye body=", response.Body);
        Assert.True(await client.ClosedByServerAsync());
        Assert.Contains("connection= ", Assert.Single(_seen), StringComparison.Ordinal); // hop-by-hop: not passed on
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order_on_one_connection()
    {
        await using var client = await RawHttp.ConnectAsync(_proxy.HttpUri!);
        // Three requests in one write, the second with a body, before any answer is read.
        await client.SendAsync(
            "GET /one HTTP/1.1\r\nHost: example.com\r\n\r\n" +
            "POST /two HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc" +
            "GET /three HTTP/1.1\r\nHost: example.com\r\n\r\n");

        Assert.Equal("GET /one body=", (await client.ReadResponseAsync()).Body);
        Assert.Equal("POST /two body=abc", (await client.ReadResponseAsync()).Body);
        var last = await client.ReadResponseAsync();
        Assert.Equal("GET /three body=", last.Body);
        Assert.Null(last["Connection"]); // still open for more
        Assert.Equal(3, _seen.Count);

        await client.SendAsync("GET /four HTTP/1.1\r\nHost: example.com\r\n\r\n");
        Assert.Equal("GET /four body=", (await client.ReadResponseAsync()).Body);
    }
}
