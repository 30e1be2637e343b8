using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>
/// The proxy with two clusters: <c>web</c> (web-1) and <c>api</c> (api-1 up, api-2 failing its active health check),
/// routes <c>/web/…</c> and <c>/api/…</c>, and some traffic through both.
/// </summary>
internal sealed class StatusPageScenario : IAsyncDisposable
{
    private readonly TestBackend[] _backends;

    private StatusPageScenario(ProxyUnderTest proxy, TestBackend[] backends)
    {
        Proxy = proxy;
        _backends = backends;
    }

    public ProxyUnderTest Proxy { get; }

    public static async Task<StatusPageScenario> StartAsync()
    {
        var web = await TestBackend.StartAsync("web-1");
        var api1 = await TestBackend.StartAsync("api-1");
        var api2 = await TestBackend.StartAsync("api-2");
        api2.Healthy = false;
        var reverseProxy = new JsonObject
        {
            ["Routes"] = new JsonObject
            {
                ["web"] = new JsonObject { ["ClusterId"] = "web", ["Match"] = new JsonObject { ["Path"] = "/web/{**rest}" } },
                ["api"] = new JsonObject { ["ClusterId"] = "api", ["Match"] = new JsonObject { ["Path"] = "/api/{**rest}", ["Methods"] = new JsonArray("GET", "POST") } },
            },
            ["Clusters"] = new JsonObject
            {
                ["web"] = new JsonObject { ["Destinations"] = new JsonObject { ["web-1"] = new JsonObject { ["Address"] = web.Address } } },
                ["api"] = new JsonObject
                {
                    ["LoadBalancingPolicy"] = "RoundRobin",
                    ["HealthCheck"] = new JsonObject
                    {
                        ["Active"] = new JsonObject { ["Enabled"] = true, ["Interval"] = "00:00:00.500", ["Timeout"] = "00:00:02", ["Path"] = "/health" },
                    },
                    ["Destinations"] = new JsonObject
                    {
                        ["api-1"] = new JsonObject { ["Address"] = api1.Address },
                        ["api-2"] = new JsonObject { ["Address"] = api2.Address },
                    },
                },
            },
        };
        var proxy = await ProxyUnderTest.StartAsync(TestConfig.WithProxy(reverseProxy));
        var scenario = new StatusPageScenario(proxy, [web, api1, api2]);
        Assert.True(await Eventually.HoldsAsync(async () => (string?)Destination(await proxy.GetStatusAsync(), "proxy", "api", "api-2")?["active"] == "Unhealthy", TimeSpan.FromSeconds(15)),
            "api-2 never became Unhealthy");
        return scenario;
    }

    /// <summary>A destination's entry in a section that lists clusters (<c>proxy</c> or <c>live</c>).</summary>
    public static JsonNode? Destination(JsonObject status, string section, string cluster, string destination) =>
        status[section]?["clusters"]?.AsArray().FirstOrDefault(c => (string?)c?["id"] == cluster)?["destinations"]?.AsArray()
            .FirstOrDefault(d => (string?)d?["id"] == destination);

    public async Task SendLoadAsync(int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            using var web = await Proxy.Http.GetAsync($"/web/page{i}");
            web.EnsureSuccessStatusCode();
            using var api = await Proxy.Http.GetAsync($"/api/items/{i}");
            api.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Waits until the sampler has seen traffic on web-1 (a rate above zero) and the total has reached <paramref name="requests"/>.</summary>
    public async Task WaitForLiveAsync(long requests)
    {
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var live = Destination(await Proxy.GetStatusAsync(), "live", "web", "web-1");
            return (double?)live?["requestsPerSecond"] > 0 && (long?)live?["requests"] >= requests;
        }, TimeSpan.FromSeconds(15)), "the live section never showed the traffic");
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}
