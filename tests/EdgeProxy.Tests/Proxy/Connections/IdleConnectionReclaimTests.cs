using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Protocols;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>
/// The public listeners at <c>Kestrel:Limits:MaxConcurrentConnections</c>: idle keep-alive connections make room for new
/// clients (Kestrel alone refuses every new connection while idle ones hold the limit), and a connection with a request
/// in flight is never closed.
/// </summary>
public sealed class IdleConnectionReclaimTests
{
    private const int Limit = 4;

    private static async Task<ProxyUnderTest> StartAsync(string backend, int limit = Limit, int? maxPerUntrustedPeer = null)
    {
        var config = TestConfig.SingleCluster(backend);
        config["Kestrel"]!["Limits"] = new JsonObject { ["MaxConcurrentConnections"] = limit };
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.2/32");
        if (maxPerUntrustedPeer is not null)
        {
            config["EdgeProxy"]!["Connections"] = new JsonObject { ["MaxPerUntrustedPeer"] = maxPerUntrustedPeer };
        }

        return await ProxyUnderTest.StartAsync(config);
    }

    private static async Task<RawHttp> KeepAliveAsync(ProxyUnderTest proxy, string path, IPAddress? from = null)
    {
        var raw = from is null ? await RawHttp.ConnectAsync(proxy.HttpUri!) : await RawHttp.ConnectFromAsync(from, proxy.HttpUri!);
        try
        {
            await raw.SendAsync($"GET {path} HTTP/1.1\r\nHost: example.com\r\n\r\n");
        }
        catch (IOException)
        {
            // A refused connection may be reset before the request is written; what the test reads next tells.
        }

        return raw;
    }

    private static async Task<JsonNode> ConnectionsAsync(ProxyUnderTest proxy) => (await proxy.GetStatusAsync())["connections"]!;

    [Fact]
    public async Task At_the_limit_the_longest_idle_keep_alive_connection_is_closed_and_a_new_client_is_served()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await StartAsync(backend.Address);
        var idle = new List<RawHttp>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                var raw = await KeepAliveAsync(proxy, $"/idle{i}");
                Assert.Contains(" 200 ", (await raw.ReadResponseAsync()).StatusLine);
                idle.Add(raw);
            }

            Assert.Equal(Limit, (long)(await ConnectionsAsync(proxy))["current"]!);

            await using var fresh = await KeepAliveAsync(proxy, "/new");
            var response = await fresh.ReadResponseAsync();

            Assert.Contains(" 200 ", response.StatusLine);
            Assert.Equal("backend=app path=/new", response.Body);
            // The first connection had been idle longest: it is the one closed; the others stay open.
            Assert.True(await idle[0].ClosedByServerAsync());
            await idle[^1].SendAsync("GET /still-open HTTP/1.1\r\nHost: example.com\r\n\r\n");
            Assert.Contains(" 200 ", (await idle[^1].ReadResponseAsync()).StatusLine);
            var status = await ConnectionsAsync(proxy);
            Assert.True((long)status["reclaimed"]! >= 1, status.ToJsonString());
            Assert.Equal(Limit, (long)status["limit"]!);
        }
        finally
        {
            foreach (var raw in idle)
            {
                await raw.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_connection_with_a_request_in_flight_is_never_closed_and_a_new_one_is_refused_instead()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        var (app, uri) = await LoopbackApp.StartAsync(async context =>
        {
            Interlocked.Increment(ref arrived);
            await release.Task;
            await context.Response.WriteAsync("released");
        });
        await using var _ = app;
        await using var proxy = await StartAsync(uri.ToString());
        var busy = new List<RawHttp>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                busy.Add(await KeepAliveAsync(proxy, $"/busy{i}"));
            }

            Assert.True(await Eventually.HoldsAsync(async () => (long)(await ConnectionsAsync(proxy))["current"]! == Limit, TimeSpan.FromSeconds(5)));
            // Every request in flight (a connection that has not sent one yet would be idle, and fair game).
            Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref arrived) == Limit), TimeSpan.FromSeconds(10)));

            await using (var refused = await KeepAliveAsync(proxy, "/new"))
            {
                Assert.True(await refused.ClosedByServerAsync());
            }

            release.SetResult();
            foreach (var raw in busy)
            {
                var response = await raw.ReadResponseAsync();
                Assert.Contains(" 200 ", response.StatusLine);
                Assert.Equal("released", response.Body);
            }

            var status = await ConnectionsAsync(proxy);
            Assert.Equal(1, (long)status["refused"]!);
            Assert.Equal(0, (long)status["reclaimed"]!);
        }
        finally
        {
            release.TrySetResult();
            foreach (var raw in busy)
            {
                await raw.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Idle_http2_connections_make_room_too()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await StartAsync(backend.Address);
        var clients = new List<HttpClient>();
        try
        {
            // One HTTP/2 connection per client (each its own handler), every one idle after its first request.
            for (var i = 0; i <= Limit; i++)
            {
                var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
                var client = new HttpClient(handler) { BaseAddress = proxy.HttpsUri, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
                clients.Add(client);
                using var response = await client.GetAsync($"/h2-{i}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(HttpVersion.Version20, response.Version);
            }

            Assert.True((long)(await ConnectionsAsync(proxy))["reclaimed"]! >= 1);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task An_untrusted_address_may_hold_only_MaxPerUntrustedPeer_connections_and_trusted_peers_are_exempt()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await StartAsync(backend.Address, limit: 100, maxPerUntrustedPeer: 2);
        var open = new List<RawHttp>();
        try
        {
            // 127.0.0.1 is untrusted: two connections, the third is closed unanswered.
            for (var i = 0; i < 2; i++)
            {
                open.Add(await KeepAliveAsync(proxy, $"/u{i}"));
                Assert.Contains(" 200 ", (await open[^1].ReadResponseAsync()).StatusLine);
            }

            await using (var third = await KeepAliveAsync(proxy, "/u2"))
            {
                Assert.True(await third.ClosedByServerAsync());
            }

            // 127.0.0.2 is trusted (the Cloudflare case): not limited per address.
            for (var i = 0; i < 4; i++)
            {
                open.Add(await KeepAliveAsync(proxy, $"/t{i}", IPAddress.Parse("127.0.0.2")));
                Assert.Contains(" 200 ", (await open[^1].ReadResponseAsync()).StatusLine);
            }

            // A closed connection gives its place back.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var again = await Eventually.HoldsAsync(async () =>
            {
                await using var raw = await KeepAliveAsync(proxy, "/u3");
                try
                {
                    return (await raw.ReadResponseAsync()).StatusLine.Contains(" 200 ", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(5));
            Assert.True(again);
            Assert.True((long)(await ConnectionsAsync(proxy))["refusedPerUntrustedPeer"]! >= 1);
        }
        finally
        {
            foreach (var raw in open)
            {
                await raw.DisposeAsync();
            }
        }
    }
}
