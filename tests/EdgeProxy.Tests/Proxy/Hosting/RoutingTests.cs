using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Hosting;

public sealed class RoutingTests
{
    private static JsonObject TwoClusters(TestBackend a, TestBackend b) => TestConfig.WithProxy(new JsonObject
    {
        ["Routes"] = new JsonObject
        {
            ["a"] = new JsonObject { ["ClusterId"] = "ca", ["Match"] = new JsonObject { ["Path"] = "/a/{**rest}" } },
            ["b"] = new JsonObject { ["ClusterId"] = "cb", ["Match"] = new JsonObject { ["Path"] = "/b/{**rest}" } },
        },
        ["Clusters"] = new JsonObject
        {
            ["ca"] = new JsonObject { ["Destinations"] = TestConfig.Destinations(a.Address) },
            ["cb"] = new JsonObject { ["Destinations"] = TestConfig.Destinations(b.Address) },
        },
    });

    [Fact]
    public async Task Routes_by_path_over_http_and_https()
    {
        await using var a = await TestBackend.StartAsync("A");
        await using var b = await TestBackend.StartAsync("B");
        await using var proxy = await ProxyUnderTest.StartAsync(TwoClusters(a, b));

        foreach (var client in new[] { proxy.Http, proxy.Https })
        {
            Assert.Equal("200 backend=A path=/a/x?q=1", await proxy.GetTextAsync(client, "/a/x?q=1"));
            Assert.Equal("200 backend=B path=/b/y", await proxy.GetTextAsync(client, "/b/y"));
            Assert.StartsWith("404", await proxy.GetTextAsync(client, "/elsewhere"));
        }
    }

    [Fact]
    public async Task Https_is_served_with_http2_by_alpn()
    {
        await using var a = await TestBackend.StartAsync("A");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(a.Address));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/h2") { Version = new Version(2, 0), VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await proxy.Https.SendAsync(request);
        Assert.Equal(new Version(2, 0), response.Version);
        Assert.Equal("backend=A path=/h2", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Neither_kestrel_nor_the_backend_reveals_a_server_header()
    {
        await using var a = await TestBackend.StartAsync("A");
        await using var proxy = await ProxyUnderTest.StartAsync(TwoClusters(a, a));

        using var proxied = await proxy.Https.GetAsync("/a/");
        Assert.Equal("backend=A path=/a/", await proxied.Content.ReadAsStringAsync());
        Assert.False(proxied.Headers.Contains("Server"), "the backend's Server header was passed on");

        using var unrouted = await proxy.Http.GetAsync("/nowhere");
        Assert.Equal(404, (int)unrouted.StatusCode);
        Assert.False(unrouted.Headers.Contains("Server"), "Kestrel sent a Server header");

        // The check above can only fail if the backend really sends one.
        using var direct = await new HttpClient().GetAsync(a.Address);
        Assert.True(direct.Headers.Contains("Server"));
    }

    [Fact]
    public async Task A_dead_destination_is_marked_down_by_passive_health_and_traffic_goes_to_the_other()
    {
        await using var alive = await TestBackend.StartAsync("alive");
        // Port 9 (discard) is never bound here; a stopped test server's port could be taken by another test meanwhile.
        var config = TestConfig.SingleCluster(alive.Address, "http://127.0.0.1:9/");
        var cluster = config["ReverseProxy"]!["Clusters"]!["main"]!.AsObject();
        cluster["LoadBalancingPolicy"] = "RoundRobin";
        cluster["HealthCheck"] = new JsonObject
        {
            ["Passive"] = new JsonObject { ["Enabled"] = true, ["Policy"] = "TransportFailureRate", ["ReactivationPeriod"] = "00:05:00" },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        // Until passive health notices, every second request fails; afterwards every request reaches the live one.
        for (var i = 0; i < 20; i++)
        {
            await proxy.GetTextAsync(proxy.Http, "/warmup");
        }

        // YARP marks the destination at once but recomputes the cluster's available destinations on the thread pool
        // (seen lagging by a few requests on a loaded machine): wait until it is out, then every request must reach
        // the live one.
        async Task<bool> DeadDestinationIsOut()
        {
            var dead = (await proxy.GetStatusAsync())["proxy"]!["clusters"]![0]!["destinations"]!.AsArray().Single(d => (string?)d!["id"] == "d1")!;
            return dead["passive"]!.GetValue<string>() == "Unhealthy" && !dead["available"]!.GetValue<bool>();
        }

        Assert.True(await Eventually.HoldsAsync(DeadDestinationIsOut, TimeSpan.FromSeconds(10)));
        var statuses = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add(await proxy.GetTextAsync(proxy.Http, "/after"));
        }

        Assert.All(statuses, s => Assert.Equal("200 backend=alive path=/after", s));
    }

    [Fact]
    public async Task Active_health_checks_take_a_failing_destination_out()
    {
        await using var good = await TestBackend.StartAsync("good");
        await using var sick = await TestBackend.StartAsync("sick");
        sick.Healthy = false;

        var config = TestConfig.SingleCluster(good.Address, sick.Address);
        config["ReverseProxy"]!["Clusters"]!["main"]!["HealthCheck"] = new JsonObject
        {
            ["Active"] = new JsonObject { ["Enabled"] = true, ["Interval"] = "00:00:00.200", ["Timeout"] = "00:00:02", ["Path"] = "/health", ["Policy"] = "ConsecutiveFailures" },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var destinations = (await proxy.GetStatusAsync())["proxy"]!["clusters"]![0]!["destinations"]!.AsArray();
            var sick = destinations.Single(d => (string?)d!["id"] == "d1")!;
            return (string?)sick["active"] == "Unhealthy" && !sick["available"]!.GetValue<bool>(); // YARP marks it before it recomputes the available set
        }, TimeSpan.FromSeconds(10)), "active health never marked the failing destination down");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("200 backend=good path=/x", await proxy.GetTextAsync(proxy.Http, "/x"));
        }
    }

    [Fact]
    public async Task Trace_context_passes_through_untouched_and_the_proxy_adds_none()
    {
        // The proxy takes no part in distributed tracing (like nginx and HAProxy): no per-request Activity, so
        // HttpClient neither rewrites a client's traceparent nor invents one. Regression guard for the hot-path
        // setting that keeps ASP.NET Core's hosting diagnostics off.
        await using var a = await TestBackend.StartAsync("A");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(a.Address));
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        using var traced = new HttpRequestMessage(HttpMethod.Get, "/traced");
        traced.Headers.Add("traceparent", traceParent);
        using (await proxy.Https.SendAsync(traced))
        {
            Assert.Equal(traceParent, a.LastHeaders!["traceparent"].ToString());
        }

        using (await proxy.Https.GetAsync("/untraced"))
        {
            Assert.False(a.LastHeaders!.ContainsKey("traceparent"), $"the proxy made up a traceparent: {a.LastHeaders!["traceparent"]}");
        }
    }
}
