using System.Text.Json.Nodes;
using EdgeProxy.Connections;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Protocols;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>
/// <c>EdgeProxy:Connections:ReclaimAboveMemory</c>: while the working set is above it, a new connection is admitted by
/// closing the longest-idle one even far below the connection limit; a connection with a request in flight is never closed,
/// and memory never refuses a new connection.
/// </summary>
public sealed class MemoryReclaimTests
{
    private const long OneMegabyte = 1L << 20;
    private const long OneTerabyte = 1L << 40;

    private static JsonObject Config(string backend, long reclaimAboveMemory)
    {
        var config = TestConfig.SingleCluster(backend);
        // The connection limit stays at its default (10,000), far away: only memory makes room here.
        config["EdgeProxy"]!["Connections"] = new JsonObject { ["ReclaimAboveMemory"] = reclaimAboveMemory, ["MaxPerUntrustedPeer"] = 0 };
        config["Logging"]!["LogLevel"]!["EdgeProxy.Connections"] = "Information";
        return config;
    }

    private static Task<ProxyUnderTest> StartAsync(string backend, long reclaimAboveMemory, CollectingLoggerProvider logs, TimeProvider? clock = null) =>
        ProxyUnderTest.StartAsync(Config(backend, reclaimAboveMemory), services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
        });

    private static async Task<RawHttp> KeepAliveAsync(ProxyUnderTest proxy, string path)
    {
        var raw = await RawHttp.ConnectAsync(proxy.HttpUri!);
        await raw.SendAsync($"GET {path} HTTP/1.1\r\nHost: example.com\r\n\r\n");
        return raw;
    }

    private static async Task<RawHttp> ServedAsync(ProxyUnderTest proxy, string path)
    {
        var raw = await KeepAliveAsync(proxy, path);
        var response = await raw.ReadResponseAsync();
        Assert.Contains(" 200 ", response.StatusLine);
        Assert.Equal($"backend=app path={path}", response.Body);
        return raw;
    }

    private static async Task<JsonNode> ConnectionsAsync(ProxyUnderTest proxy) => (await proxy.GetStatusAsync())["connections"]!;

    private static bool IsMemoryLine(string line) =>
        line.Contains("above EdgeProxy:Connections:ReclaimAboveMemory", StringComparison.Ordinal);

    [Fact]
    public async Task Above_the_threshold_a_new_connection_closes_the_longest_idle_one_far_below_the_connection_limit()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartAsync(backend.Address, OneMegabyte, logs);

        await using var idle = await ServedAsync(proxy, "/idle");
        await using var fresh = await ServedAsync(proxy, "/new");

        Assert.True(await idle.ClosedByServerAsync());
        var status = await ConnectionsAsync(proxy);
        Assert.Equal(1, (long)status["reclaimedForMemory"]!);
        Assert.Equal(0, (long)status["reclaimed"]!);
        Assert.Equal(OneMegabyte, (long)status["reclaimAboveMemory"]!);
        Assert.True((long)status["workingSet"]! > OneMegabyte, status.ToJsonString());
        Assert.Equal(10_000, (long)status["limit"]!); // the default, far away
        Assert.Equal(1, (long)status["current"]!);
        var metrics = await proxy.Admin.GetStringAsync("/metrics");
        Assert.Contains("edgeproxy_connections_reclaimed_total{reason=\"memory\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("edgeproxy_connections_reclaimed_total{reason=\"limit\"} 0", metrics, StringComparison.Ordinal);
        Assert.True(await logs.LoggedAsync(line => IsMemoryLine(line) && line.Contains("(1 MB): closing idle connections to admit new ones, 1 since the last report", StringComparison.Ordinal)), string.Join("\n", logs.Lines));
    }

    [Fact]
    public async Task A_connection_that_has_not_sent_its_first_request_is_not_closed_for_memory()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartAsync(backend.Address, OneMegabyte, logs);

        // Connected, nothing sent yet (a handshake or header wait): new connections must not close it for memory, or
        // connections arriving faster than they complete a request would close each other.
        await using var silent = await RawHttp.ConnectAsync(proxy.HttpUri!);
        Assert.True(await Eventually.HoldsAsync(async () => (long)(await ConnectionsAsync(proxy))["current"]! == 1, TimeSpan.FromSeconds(10)));
        await using (var fresh = await ServedAsync(proxy, "/new"))
        {
        }

        await silent.SendAsync("GET /late HTTP/1.1\r\nHost: example.com\r\n\r\n");
        var response = await silent.ReadResponseAsync();
        Assert.Contains(" 200 ", response.StatusLine);
        Assert.Equal("backend=app path=/late", response.Body);
        Assert.Equal(0, (long)(await ConnectionsAsync(proxy))["reclaimedForMemory"]!);
    }

    [Fact]
    public async Task A_connection_with_a_request_in_flight_is_never_closed_for_memory_and_the_new_one_is_still_served()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, uri) = await LoopbackApp.StartAsync(async context =>
        {
            if (context.Request.Path == "/hold")
            {
                arrived.TrySetResult();
                await release.Task;
            }

            await context.Response.WriteAsync($"backend=app path={context.Request.Path}");
        });
        await using var _ = app;
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartAsync(uri.ToString(), OneMegabyte, logs);
        try
        {
            await using var busy = await KeepAliveAsync(proxy, "/hold");
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // The only other connection is busy: nothing to close, and the new one is admitted all the same.
            await using (var fresh = await ServedAsync(proxy, "/new"))
            {
            }

            release.SetResult();
            var response = await busy.ReadResponseAsync();
            Assert.Contains(" 200 ", response.StatusLine);
            Assert.Equal("backend=app path=/hold", response.Body);
            // Not asked to close either (a closed-for-room keep-alive connection ends its last response with Connection: close).
            Assert.NotEqual("close", response["Connection"]);
            var status = await ConnectionsAsync(proxy);
            Assert.Equal(0, (long)status["reclaimedForMemory"]!);
            Assert.Equal(0, (long)status["refused"]!);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Below_the_threshold_idle_connections_are_left_alone()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartAsync(backend.Address, OneTerabyte, logs);

        await using var idle = await ServedAsync(proxy, "/idle");
        await using var fresh = await ServedAsync(proxy, "/new");

        await idle.SendAsync("GET /still-open HTTP/1.1\r\nHost: example.com\r\n\r\n");
        Assert.Contains(" 200 ", (await idle.ReadResponseAsync()).StatusLine);
        var status = await ConnectionsAsync(proxy);
        Assert.Equal(0, (long)status["reclaimedForMemory"]!);
        Assert.Equal(OneTerabyte, (long)status["reclaimAboveMemory"]!);
        Assert.Equal(2, (long)status["current"]!);
        Assert.DoesNotContain(logs.Lines, IsMemoryLine);
    }

    [Fact]
    public async Task Unset_it_is_off_and_status_says_so()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        await using var idle = await ServedAsync(proxy, "/idle");
        await using var fresh = await ServedAsync(proxy, "/new");

        await idle.SendAsync("GET /still-open HTTP/1.1\r\nHost: example.com\r\n\r\n");
        Assert.Contains(" 200 ", (await idle.ReadResponseAsync()).StatusLine);
        var status = await ConnectionsAsync(proxy);
        Assert.Null(status["reclaimAboveMemory"]);
        Assert.Equal(0, (long)status["reclaimedForMemory"]!);
    }

    [Fact]
    public async Task Memory_reclaims_are_logged_at_most_once_per_interval_with_the_count_since_the_last_line()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var logs = new CollectingLoggerProvider();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var proxy = await StartAsync(backend.Address, OneMegabyte, logs, clock);
        var open = new List<RawHttp>();
        try
        {
            // Each new connection closes the one before it: the first close is logged at once.
            open.Add(await ServedAsync(proxy, "/c0"));
            open.Add(await ServedAsync(proxy, "/c1"));
            Assert.True(await logs.LoggedAsync(line => IsMemoryLine(line) && line.EndsWith(", 1 since the last report", StringComparison.Ordinal)), string.Join("\n", logs.Lines));

            // Within the interval: counted, not logged.
            open.Add(await ServedAsync(proxy, "/c2"));
            Assert.Equal(2, (long)(await ConnectionsAsync(proxy))["reclaimedForMemory"]!);
            Assert.Single(logs.Lines, IsMemoryLine);

            // After it, the next close reports both.
            clock.Advance(IdleConnectionReclaimer.MemoryLogInterval);
            open.Add(await ServedAsync(proxy, "/c3"));
            Assert.True(await logs.LoggedAsync(line => IsMemoryLine(line) && line.EndsWith(", 2 since the last report", StringComparison.Ordinal)), string.Join("\n", logs.Lines));
            Assert.Equal(2, logs.Lines.Count(IsMemoryLine));
            Assert.Equal(3, (long)(await ConnectionsAsync(proxy))["reclaimedForMemory"]!);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await open[i].ClosedByServerAsync());
            }
        }
        finally
        {
            foreach (var raw in open)
            {
                await raw.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_threshold_that_is_not_positive_refuses_start_naming_the_key(long value)
    {
        var config = Config("http://127.0.0.1:9/", value);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));

        Assert.Contains($"EdgeProxy:Connections:ReclaimAboveMemory: {value} must be a positive number of bytes", error.Message, StringComparison.Ordinal);
    }
}
