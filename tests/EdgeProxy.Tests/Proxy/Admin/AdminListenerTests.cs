using System.Text.RegularExpressions;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Admin;

public sealed class AdminListenerTests
{
    public static TheoryData<string> AdminPaths => ["/healthz", "/readyz", "/metrics", "/status"];

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Admin_paths_answer_on_the_admin_url_and_nowhere_else(string path)
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        using var admin = await proxy.Admin.GetAsync(path);
        Assert.Equal(200, (int)admin.StatusCode);

        // On the public listeners the path is just another request for the backend, even with a forged Host header.
        foreach (var client in new[] { proxy.Http, proxy.Https })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = proxy.AdminUri.Authority;
            using var response = await client.SendAsync(request);
            Assert.Equal($"backend=app path={path}", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Health_endpoints_report_live_and_ready()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        Assert.StartsWith("200 Healthy", await proxy.GetAdminTextAsync("/healthz"));
        var ready = await proxy.GetAdminTextAsync("/readyz");
        Assert.StartsWith("200 Healthy", ready);
        Assert.Contains("proxy-config: Healthy - 1 route(s) applied", ready);
        Assert.Contains("host: Healthy - listening", ready);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_request_and_destination_health_series()
    {
        await using var backend = await TestBackend.StartAsync("app");
        // Two destinations on the same backend, so every request is a 200 whichever the balancer picks.
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address, backend.Address));
        for (var i = 0; i < 3; i++)
        {
            await proxy.Http.GetAsync("/m");
        }

        using var response = await proxy.Admin.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE edgeproxy_proxy_requests_total counter", text);
        Assert.Contains("edgeproxy_proxy_requests_total{route=\"all\",cluster=\"main\",code=\"200\"}", text);
        Assert.Contains("edgeproxy_destination_available{cluster=\"main\",destination=\"d1\"} 1", text);
        Assert.Contains("edgeproxy_destination_health{cluster=\"main\",destination=\"d0\",check=\"active\"} -1", text);
        Assert.Contains("edgeproxy_config_reloads_total{result=\"applied\"} 1", text);
        Assert.Contains("process_cpu_seconds_total", text);
    }

    [Fact]
    public async Task Gc_pause_time_is_exported()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));
        // The proxy runs in this process: a forced collection pauses it.
        GC.Collect();

        var text = await proxy.Admin.GetStringAsync("/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith("dotnet_gc_pause_seconds_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 0, line);
    }

    [Fact]
    public async Task Yarp_and_kestrel_event_counters_are_exported()
    {
        // The counters are read at Critical level (so the sources' per-request events stay off); they still arrive.
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));
        await proxy.Http.GetAsync("/m");

        var text = "";
        var exported = await Eventually.HoldsAsync(async () =>
        {
            text = await proxy.GetMetricsAsync();
            return Regex.IsMatch(text, @"^yarp_reverseproxy_requests_started [1-9]", RegexOptions.Multiline)
                && Regex.IsMatch(text, @"^microsoft_aspnetcore_server_kestrel_total_connections [1-9]", RegexOptions.Multiline);
        }, TimeSpan.FromSeconds(30));
        Assert.True(exported, text);
    }

    [Fact]
    public async Task Status_lists_routes_clusters_and_destinations_as_json_and_html()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        var status = await proxy.GetStatusAsync();
        Assert.Equal("all", (string?)status["proxy"]!["routes"]![0]!["id"]);
        var cluster = status["proxy"]!["clusters"]![0]!;
        Assert.Equal("main", (string?)cluster["id"]);
        Assert.Equal(backend.Address, (string?)cluster["destinations"]![0]!["address"]);
        Assert.True((bool)cluster["destinations"]![0]!["available"]!);
        Assert.Equal(proxy.ConfigPath, (string?)status["config"]!["file"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Accept.ParseAdd("text/html");
        using var html = await proxy.Admin.SendAsync(request);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Contains(backend.Address, await html.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_admin_paths_are_404_and_never_proxied()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        var response = await proxy.GetAdminTextAsync("/anything");
        Assert.StartsWith("404", response);
        Assert.Null(backend.LastHeaders);
    }
}
