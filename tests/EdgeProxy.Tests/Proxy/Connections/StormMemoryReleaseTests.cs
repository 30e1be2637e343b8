using System.Text.Json.Nodes;
using EdgeProxy.Connections;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Protocols;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>
/// After a connection storm the proxy gives the closed connections' memory back (one aggressive collection and a native
/// heap trim): only once the open connections fell by <see cref="StormMemoryRelease.MinimumDrop"/> and to half their
/// peak, and at most once per <see cref="StormMemoryRelease.MinimumInterval"/>. The memory figures themselves are the
/// IdleConnections tool's (docs/connections-memory.md), not a test's.
/// </summary>
public sealed class StormMemoryReleaseTests
{
    private const int Storm = (int)StormMemoryRelease.MinimumDrop + 20;

    [Fact]
    public async Task Memory_is_released_once_a_storm_has_closed_and_not_before_nor_twice_within_the_interval()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var config = TestConfig.SingleCluster(backend.Address);
        config["EdgeProxy"]!["Connections"] = new JsonObject { ["MaxPerUntrustedPeer"] = 0 };
        config["Logging"]!["LogLevel"]!["EdgeProxy.Connections"] = "Information";
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyUnderTest.StartAsync(config, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
        });
        var release = proxy.Services.GetRequiredService<StormMemoryRelease>();

        var connections = await OpenAsync(proxy, Storm);
        Assert.False(release.Check()); // at the peak

        await CloseAsync(proxy, connections, 100);
        Assert.False(release.Check()); // fell by less than MinimumDrop

        await CloseAsync(proxy, connections, connections.Count);
        Assert.True(release.Check());
        Assert.Equal(1, (long)(await proxy.GetStatusAsync())["connections"]!["memoryReleases"]!);
        Assert.True(await logs.LoggedAsync(line => line.Contains($"Connection storm over ({Storm} open connections at the peak, 0 now)", StringComparison.Ordinal)), string.Join("\n", logs.Lines));

        // A second wave within the interval: no second pause; after it, the background check releases by itself.
        connections = await OpenAsync(proxy, Storm);
        Assert.False(release.Check());
        await CloseAsync(proxy, connections, connections.Count);
        Assert.False(release.Check());
        clock.Advance(StormMemoryRelease.MinimumInterval);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(release.Releases == 2), TimeSpan.FromSeconds(10)));
    }

    private static async Task<List<RawHttp>> OpenAsync(ProxyUnderTest proxy, int count)
    {
        var connections = new List<RawHttp>(count);
        for (var i = 0; i < count; i++)
        {
            var raw = await RawHttp.ConnectAsync(proxy.HttpUri!);
            await raw.SendAsync("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
            Assert.Contains(" 200 ", (await raw.ReadResponseAsync()).StatusLine);
            connections.Add(raw);
        }

        return connections;
    }

    private static async Task CloseAsync(ProxyUnderTest proxy, List<RawHttp> connections, int count)
    {
        foreach (var raw in connections.Take(count))
        {
            await raw.DisposeAsync();
        }

        connections.RemoveRange(0, count);
        var expected = connections.Count;
        Assert.True(await Eventually.HoldsAsync(async () => (long)(await proxy.GetStatusAsync())["connections"]!["current"]! == expected, TimeSpan.FromSeconds(20)));
    }
}
