using System.Net;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>
/// Inline scheduling is on by default and HTTP/2 connections send through <c>SendCoalescingPipeWriter</c>: many streams
/// at once on one TLS connection, responses small and past the pipes' 64 KB back-pressure, uploads echoed, and HTTP/1.1
/// over TLS beside them, all arrive whole and in order.
/// </summary>
public sealed class SendCoalescingTests
{
    private static byte[] Pattern(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed))];

    private static Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri BaseUri)> BackendAsync() => LoopbackApp.StartAsync(async context =>
    {
        if (context.Request.Path.StartsWithSegments("/echo"))
        {
            await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
            return;
        }

        // /bytes/{length}/{seed}
        var parts = context.Request.Path.Value!.Split('/');
        await context.Response.Body.WriteAsync(Pattern(int.Parse(parts[2]), int.Parse(parts[3])), context.RequestAborted);
    });

    [Fact]
    public async Task Many_HTTP_2_streams_on_one_connection_arrive_whole()
    {
        var (app, uri) = await BackendAsync();
        await using var _ = app;
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(uri.ToString()));

        var lengths = new[] { 0, 1, 100, 5_000, 16_384, 70_000, 300_000 };
        var requests = Enumerable.Range(0, 96).Select(async i =>
        {
            var length = lengths[i % lengths.Length];
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/bytes/{length}/{i}") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await proxy.Https.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal(Pattern(length, i), await response.Content.ReadAsByteArrayAsync());
        });
        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task An_HTTP_2_upload_is_echoed_whole_while_HTTP_1_1_over_TLS_is_served_beside_it()
    {
        var (app, uri) = await BackendAsync();
        await using var _ = app;
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(uri.ToString()));

        var upload = Pattern(1_000_000, 7);
        using var echo = new HttpRequestMessage(HttpMethod.Post, "/echo") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = new ByteArrayContent(upload) };
        var echoed = proxy.Https.SendAsync(echo);

        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/bytes/70000/{i}") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var response = await proxy.Https.SendAsync(request);
            Assert.Equal(HttpVersion.Version11, response.Version);
            Assert.Equal(Pattern(70_000, i), await response.Content.ReadAsByteArrayAsync());
        }

        using var echoResponse = await echoed.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, echoResponse.StatusCode);
        Assert.Equal(upload, await echoResponse.Content.ReadAsByteArrayAsync());
    }
}
