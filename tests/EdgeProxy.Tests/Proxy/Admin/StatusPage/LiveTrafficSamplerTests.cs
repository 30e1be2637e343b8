using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>The <c>live</c> section against the real proxy: rates come from the sampler's ring, totals at once.</summary>
public sealed class LiveTrafficSamplerTests
{
    [Fact]
    public async Task Live_section_counts_each_destination_and_the_json_keeps_its_old_sections()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.SingleCluster(backend.Address, "http://127.0.0.1:1/");
        config["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "RoundRobin";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        for (var i = 0; i < 10; i++)
        {
            using var response = await proxy.Http.GetAsync("/x");
        }

        // Driven by hand: the hosted sampler ticks every second too, so only "at least" can be said of the rates.
        proxy.Services.GetRequiredService<LiveTrafficSampler>().TakeSample();
        var status = await proxy.GetStatusAsync();

        var d0 = StatusPageScenario.Destination(status, "live", "main", "d0")!;
        var d1 = StatusPageScenario.Destination(status, "live", "main", "d1")!;
        Assert.Equal(10, (long)d0["requests"]! + (long)d1["requests"]!);
        // d1 refuses connections: its 502s are counted as 5xx with the socket error as the last error.
        Assert.True((long)d1["serverErrors"]! > 0);
        Assert.Equal("Request: ConnectionRefused", (string?)d1["lastError"]);
        Assert.True((double)status["live"]!["clusters"]![0]!["requestsPerSecond"]! > 0);
        Assert.True((double?)d0["p99Ms"] > 0);
        foreach (var section in (string[])["generatedAt", "config", "proxy", "tls", "admin", "summary", "trust"])
        {
            Assert.True(status.ContainsKey(section), section);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Accept.ParseAdd("text/html");
        using var html = await proxy.Admin.SendAsync(request);
        Assert.StartsWith("default-src 'none'", html.Headers.GetValues("Content-Security-Policy").Single());
    }
}
