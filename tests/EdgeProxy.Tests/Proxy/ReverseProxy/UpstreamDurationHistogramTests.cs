using System.Globalization;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.ReverseProxy;

/// <summary><c>edgeproxy_upstream_request_duration_seconds</c>: a histogram Prometheus can aggregate across replicas.</summary>
public sealed class UpstreamDurationHistogramTests
{
    [Fact]
    public async Task Forwarded_requests_are_timed_by_cluster_route_and_status_class_in_edge_buckets()
    {
        await using var backend = await TestBackend.StartAsync("one");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address, "http://127.0.0.1:9/"));

        var ok = 0;
        var failed = 0;
        for (var i = 0; i < 10; i++)
        {
            using var response = await proxy.Http.GetAsync($"/p{i}");
            _ = (int)response.StatusCode == 200 ? ok++ : failed++;
        }

        const string ok2xx = "cluster=\"main\",route=\"all\",code_class=\"2xx\"";
        const string bad5xx = "cluster=\"main\",route=\"all\",code_class=\"5xx\"";
        Assert.True(ok > 0 && failed > 0, $"{ok} answered, {failed} failed: both destinations must have been tried");
        Assert.Equal(ok, await proxy.MetricAsync($"edgeproxy_upstream_request_duration_seconds_count{{{ok2xx}}}"));
        Assert.Equal(failed, await proxy.MetricAsync($"edgeproxy_upstream_request_duration_seconds_count{{{bad5xx}}}"));
        Assert.Equal(ok, await proxy.MetricAsync($"edgeproxy_upstream_request_duration_seconds_bucket{{{ok2xx},le=\"30\"}}"));

        var metrics = await proxy.GetMetricsAsync();
        var bounds = metrics.Split('\n').Where(l => l.StartsWith("edgeproxy_upstream_request_duration_seconds_bucket{" + ok2xx, StringComparison.Ordinal))
            .Select(l => l.Split("le=\"")[1].Split('"')[0]).ToList();
        Assert.Equal(["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "+Inf"], bounds);
        Assert.Contains("# TYPE edgeproxy_upstream_request_duration_seconds histogram", metrics);
        var sum = metrics.Split('\n').Single(l => l.StartsWith($"edgeproxy_upstream_request_duration_seconds_sum{{{ok2xx}}}", StringComparison.Ordinal));
        Assert.True(double.Parse(sum.Split(' ')[1], CultureInfo.InvariantCulture) > 0);
    }
}
