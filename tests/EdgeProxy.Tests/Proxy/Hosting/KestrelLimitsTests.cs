using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary>Kestrel's limits as an edge needs them, each overridable through <c>Kestrel:Limits</c>.</summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public async Task The_shipped_limits_are_the_documented_edge_values()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:9/"));
        var limits = proxy.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(TimeSpan.FromSeconds(15), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(75), limits.KeepAliveTimeout);
        Assert.Equal(32768, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(104857600, limits.MaxRequestBodySize);
        Assert.Equal(240, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate.GracePeriod);
        Assert.Equal(100, limits.Http2.MaxStreamsPerConnection);
        Assert.Null(limits.MaxConcurrentConnections); // enforced by the reclaimer instead
        Assert.Equal(10000, proxy.Services.GetRequiredService<EdgeProxy.Connections.IdleConnectionReclaimer>().Limit);
        Assert.Equal(10000, limits.MaxConcurrentUpgradedConnections);
    }

    [Fact]
    public async Task The_file_overrides_a_limit_and_clients_see_413_and_431()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.SingleCluster(backend.Address);
        config["Kestrel"]!["Limits"] = new JsonObject { ["MaxRequestBodySize"] = 1000, ["MaxRequestHeaderCount"] = 20 };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using (var tooBig = await proxy.Http.PostAsync("/upload", new ByteArrayContent(new byte[2000])))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        }

        Assert.StartsWith("HTTP/1.1 431", await RawAsync(proxy.HttpUri!.Port, string.Concat(Enumerable.Range(0, 30).Select(i => $"X-H{i}: v\r\n"))));
        Assert.StartsWith("HTTP/1.1 200", await RawAsync(proxy.HttpUri.Port, "X-H: v\r\n"));
    }

    private static async Task<string> RawAsync(int port, string headers)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n\r\n"));
        using var stream = new NetworkStream(socket);
        return await new StreamReader(stream).ReadToEndAsync();
    }
}
