using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Https;

/// <summary>HSTS on every HTTPS response (proxied, errors, any host) and never on HTTP; the 308 redirect.</summary>
public sealed class HttpsPolicyTests
{
    private const string Hsts = "Strict-Transport-Security";

    private static JsonObject WithRedirect(JsonObject config, bool on = true)
    {
        config["EdgeProxy"]!["HttpsRedirect"] = on;
        return config;
    }

    private static string? HstsOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(Hsts, out var values) ? string.Join("|", values) : null;

    [Fact]
    public async Task Every_https_response_carries_hsts_proxied_or_error()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.WithProxy(new JsonObject
        {
            ["Routes"] = new JsonObject
            {
                ["app"] = new JsonObject { ["ClusterId"] = "app", ["Match"] = new JsonObject { ["Path"] = "/app/{**rest}" } },
                ["dead"] = new JsonObject { ["ClusterId"] = "dead", ["Match"] = new JsonObject { ["Path"] = "/dead/{**rest}" } },
            },
            ["Clusters"] = new JsonObject
            {
                ["app"] = new JsonObject { ["Destinations"] = TestConfig.Destinations(backend.Address) },
                ["dead"] = new JsonObject { ["Destinations"] = TestConfig.Destinations("http://127.0.0.1:9/") },
            },
        });
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        foreach (var (path, status) in new[] { ("/app/x", 200), ("/dead/x", 502), ("/nowhere", 404) })
        {
            using var response = await proxy.Https.GetAsync(path);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("max-age=31536000; includeSubDomains", HstsOf(response));
        }

        // localhost and IP hosts too (ASP.NET's own middleware would skip them).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/x");
        request.Headers.Host = "localhost";
        Assert.Equal("max-age=31536000; includeSubDomains", HstsOf(await proxy.Https.SendAsync(request)));
    }

    [Fact]
    public async Task Plain_http_never_carries_hsts()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        using var proxied = await proxy.Http.GetAsync("/x");
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Null(HstsOf(proxied));
    }

    [Fact]
    public async Task A_backend_hsts_header_is_kept_not_duplicated()
    {
        await using var backend = await TestBackend.StartAsync("app");
        backend.ExtraResponseHeaders[Hsts] = "max-age=60";
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        using var response = await proxy.Https.GetAsync("/x");
        Assert.Equal("max-age=60", HstsOf(response));
    }

    [Fact]
    public async Task Hsts_settings_and_switching_it_off()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.SingleCluster(backend.Address);
        config["EdgeProxy"]!["Hsts"] = new JsonObject { ["MaxAge"] = "730.00:00:00", ["Preload"] = true };
        await using (var proxy = await ProxyUnderTest.StartAsync(config))
        {
            Assert.Equal("max-age=63072000; includeSubDomains; preload", HstsOf(await proxy.Https.GetAsync("/x")));
        }

        config["EdgeProxy"]!["Hsts"] = new JsonObject { ["Enabled"] = false };
        await using (var proxy = await ProxyUnderTest.StartAsync(config))
        {
            Assert.Null(HstsOf(await proxy.Https.GetAsync("/x")));
        }
    }

    [Fact]
    public async Task Plain_http_gets_a_308_to_the_same_host_path_and_query_over_https()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(WithRedirect(TestConfig.SingleCluster(backend.Address)));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/a/b?c=d&e=f") { Content = new StringContent("body") };
        request.Headers.Host = "shop.example";
        using var response = await proxy.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://shop.example:{proxy.HttpsUri!.Port}/a/b?c=d&e=f", response.Headers.Location!.ToString());
        Assert.Null(HstsOf(response));
        Assert.Null(backend.LastHeaders);
        // The admin listener is never redirected.
        Assert.Equal(HttpStatusCode.OK, (await proxy.Admin.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task The_public_https_port_and_acme_pass_through_are_configurable()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = WithRedirect(TestConfig.SingleCluster(backend.Address));
        config["EdgeProxy"]!["HttpsPort"] = 443;
        config["EdgeProxy"]!["AcmeChallengeOverHttp"] = true;
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Host = "shop.example:8080";
        using var redirected = await proxy.Http.SendAsync(request);
        Assert.Equal("https://shop.example/login", redirected.Headers.Location!.ToString());

        Assert.Equal("200 backend=app path=/.well-known/acme-challenge/token123", await proxy.GetTextAsync(proxy.Http, "/.well-known/acme-challenge/token123"));
        Assert.StartsWith("308", await proxy.GetTextAsync(proxy.Http, "/.well-known/other"));
    }
}
