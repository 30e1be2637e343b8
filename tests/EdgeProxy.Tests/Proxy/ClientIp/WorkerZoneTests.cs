using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Proxy.ClientIp;

/// <summary>
/// <c>CF-Worker</c>: any Cloudflare customer's Worker connects from Cloudflare's ranges and sets the client IP it likes,
/// so only Workers of the zones in <c>EdgeProxy:ClientIp:WorkerZones</c> are believed.
/// </summary>
public sealed class WorkerZoneTests
{
    [Fact]
    public async Task A_worker_of_a_listed_zone_states_the_client_ip_in_any_case()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, c => c["WorkerZones"] = new JsonArray("example.com")));
        using var client = proxy.HttpFrom(Trusted);

        Assert.Equal("203.0.113.7", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7"), ("CF-Worker", "example.com")))["X-Real-IP"]);
        var seen = await SendAsync(client, backend, ("CF-Connecting-IP", "198.51.100.9"), ("CF-Worker", "EXAMPLE.com"), ("Cf-Access-Authenticated-User-Email", "me@example.com"));
        Assert.Equal("198.51.100.9", seen["X-Forwarded-For"]);
        Assert.Equal("me@example.com", seen["Cf-Access-Authenticated-User-Email"]);
        Assert.Equal("EXAMPLE.com", seen["CF-Worker"]); // Cloudflare's headers from a trusted peer pass
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_client_ip_worker_refused_total"));
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("example.com.evil.example")]
    [InlineData("")]
    public async Task A_worker_of_another_zone_does_not_state_the_client_ip(string zone)
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, c => c["WorkerZones"] = new JsonArray("example.com"));
        config["EdgeProxy"]!["AccessLog"]!["File"] = "access.log";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var client = proxy.HttpFrom(Trusted);

        var seen = await SendAsync(client, backend,
            ("CF-Connecting-IP", "203.0.113.7"), ("CF-Worker", zone), ("Cf-Access-Authenticated-User-Email", "admin@example.com"), ("CF-IPCountry", "NZ"));

        Assert.Equal("127.0.0.2", seen["X-Real-IP"]);
        // A Worker sets any Cloudflare header it likes, Cloudflare Access identity included: none of them passes.
        Assert.Null(seen["Cf-Access-Authenticated-User-Email"]);
        Assert.Null(seen["CF-IPCountry"]);
        Assert.Null(seen["CF-Worker"]);
        Assert.Equal("127.0.0.2", seen["X-Forwarded-For"]);
        Assert.Null(seen["CF-Connecting-IP"]);
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_client_ip_worker_refused_total"));
        var record = await AccessLogFile.WaitForRecordAsync(Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "access.log"), r => r.Text("path") == "/ip");
        Assert.Equal("worker-refused", record.Text("client_ip_from"));
        Assert.Equal("127.0.0.2", record.Text("client_ip"));
    }

    [Fact]
    public async Task With_no_zone_listed_no_worker_is_believed_and_ordinary_requests_still_are()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = proxy.HttpFrom(Trusted);

        Assert.Equal("127.0.0.2", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7"), ("CF-Worker", "example.com")))["X-Real-IP"]);
        Assert.Equal("203.0.113.7", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        // Without a client-IP header a foreign Worker's Cloudflare headers are still not passed on.
        Assert.Null((await SendAsync(client, backend, ("CF-Worker", "evil.example"), ("Cf-Access-Jwt-Assertion", "forged")))["Cf-Access-Jwt-Assertion"]);
        Assert.Equal(2, await proxy.MetricAsync("edgeproxy_client_ip_worker_refused_total"));
    }
}
