using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>Per-client-IP token buckets named by a route's <c>RateLimiterPolicy</c>, on a fake clock (no refill unless advanced).</summary>
public sealed class RateLimitTests
{
    public static TheoryData<string> Protocols => ["HTTP/1.1", "HTTP/2"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Each_restored_client_ip_has_its_own_bucket_and_over_the_limit_gets_429_with_Retry_After(string protocol)
    {
        await using var backend = await TestBackend.StartAsync("b");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var config = Config(backend, rateLimits: new JsonObject { ["api"] = new JsonObject { ["PermitsPerSecond"] = 0.5, ["Burst"] = 2 } }, policy: null, rateLimit: "api");
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<TimeProvider>(clock));
        var http2 = protocol == "HTTP/2";
        var version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        using var trusted = LoopbackClient.Create(Trusted, http2 ? proxy.HttpsUri! : proxy.HttpUri!, configure: http2 ? LoopbackClient.Tls() : null);

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.1", version: version));
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.1", version: version));
        using (var refused = await GetAsync(trusted, "/admin/x", "203.0.113.1", version: version))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(version, refused.Version);
            Assert.Equal("2", Assert.Single(refused.Headers.GetValues("Retry-After")));
        }

        // Another client IP behind the same trusted peer has a full bucket; unprotected routes are not limited.
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.2", version: version));
        Assert.Equal(200, await StatusAsync(trusted, "/other", "203.0.113.1", version: version));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.1", version: version));
        Assert.Equal(429, await StatusAsync(trusted, "/admin/x", "203.0.113.1", version: version));
        Assert.Contains("edgeproxy_access_refused_total{policy=\"api\",reason=\"rate\"} 2", await proxy.GetMetricsAsync());
    }
}
