using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.Shutdown;

/// <summary>SIGTERM as systemd and Kubernetes send it, to the proxy as its own process.</summary>
[Trait("Process", "Separate")]
public sealed class GracefulShutdownTests
{
    /// <summary>A backend that answers <c>?delay=ms</c> after that long.</summary>
    private static Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri BaseUri)> SlowBackendAsync() => LoopbackApp.StartAsync(async context =>
    {
        await Task.Delay(int.TryParse(context.Request.Query["delay"], out var delay) ? delay : 0);
        await context.Response.WriteAsync("done");
    });

    private static JsonObject Config(Uri backend, string drainDelay, string timeout)
    {
        var config = TestConfig.SingleCluster(backend.ToString());
        config["EdgeProxy"]!["Shutdown"] = new JsonObject { ["DrainDelay"] = drainDelay, ["Timeout"] = timeout };
        return config;
    }

    [Fact]
    public async Task Sigterm_makes_the_proxy_unready_at_once_keeps_serving_for_the_drain_delay_finishes_requests_in_flight_and_exits_zero()
    {
        var (backend, uri) = await SlowBackendAsync();
        await using var _ = backend;
        await using var proxy = await ProxyServerProcess.StartAsync(Config(uri, "00:00:02", "00:00:15"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxy.HttpPort}"), Timeout = TimeSpan.FromSeconds(20) };

        var inFlight = client.GetAsync("/slow?delay=4000"); // outlives the drain delay
        await Task.Delay(300);
        await proxy.SignalAsync("TERM");

        Assert.True(await Eventually.HoldsAsync(async () => (await proxy.GetAdminTextAsync("/readyz")).StartsWith("503", StringComparison.Ordinal), TimeSpan.FromSeconds(1)),
            proxy.Output);
        using (var duringDrain = await client.GetAsync("/new"))
        {
            Assert.Equal(HttpStatusCode.OK, duringDrain.StatusCode); // still served while load balancers catch up
        }

        using (var finished = await inFlight)
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
            Assert.Equal("done", await finished.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_second_signal_exits_at_once()
    {
        var (backend, uri) = await SlowBackendAsync();
        await using var _ = backend;
        await using var proxy = await ProxyServerProcess.StartAsync(Config(uri, "00:05:00", "00:05:00"));

        await proxy.SignalAsync("TERM");
        Assert.True(await Eventually.HoldsAsync(async () => (await proxy.GetAdminTextAsync("/readyz")).StartsWith("503", StringComparison.Ordinal), TimeSpan.FromSeconds(5)));
        await proxy.SignalAsync("INT");

        Assert.Equal(1, await proxy.WaitForExitAsync(TimeSpan.FromSeconds(10))); // not after the five-minute drain delay
    }
}
