using System.Diagnostics.CodeAnalysis;
using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Metrics;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>The sampler's ring on a fake clock: rates over the last minute, older readings forgotten.</summary>
public sealed class LiveWindowTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
    private readonly DestinationTraffic _traffic = new();
    private readonly ProxyMetrics _metrics = new();
    private readonly LiveTrafficSampler _sampler;
    private readonly LiveStatusSection _section;

    public LiveWindowTests()
    {
        var cluster = new ClusterState("api");
        cluster.Destinations.TryAdd("a", new DestinationState("a"));
        var state = new OneCluster(cluster);
        _sampler = new LiveTrafficSampler(_traffic, _metrics, state, _time);
        _section = new LiveStatusSection(_sampler, _traffic, state);
    }

    [Fact]
    public void Rates_cover_the_last_minute_only()
    {
        _sampler.TakeSample();
        Assert.Null((double?)_section.GetStatus()["clusters"]![0]!["destinations"]![0]!["requestsPerSecond"]);

        // 100 s: a burst of 10 requests a second (one a 5xx), then 40 s of 2 a second; the window is the last 60 s.
        for (var second = 0; second < 100; second++)
        {
            for (var i = 0; i < (second < 60 ? 10 : 2); i++)
            {
                _traffic.Record("api", "a", i == 0 && second < 60 ? 503 : 200, TimeSpan.FromMilliseconds(i == 0 ? 180 : 4.5), null, _time.GetUtcNow());
            }

            _time.Advance(LiveTrafficSampler.Interval);
            _sampler.TakeSample();
        }

        var destination = _section.GetStatus()["clusters"]![0]!["destinations"]![0]!;
        Assert.Equal(60, (double)_section.GetStatus()["windowSeconds"]!);
        Assert.Equal((20 * 10 + 40 * 2) / 60.0, (double)destination["requestsPerSecond"]!, 2);
        Assert.Equal(20 / 60.0, (double)destination["serverErrorsPerSecond"]!, 2);
        Assert.Equal(60 * 10 + 40 * 2, (long)destination["requests"]!);
        Assert.InRange((double)destination["p50Ms"]!, 4, 5);
        Assert.InRange((double)destination["p99Ms"]!, 150, 200);
    }

    public void Dispose() => _metrics.Dispose();

    private sealed class OneCluster(ClusterState cluster) : IProxyStateLookup
    {
        public IEnumerable<RouteModel> GetRoutes() => [];

        public IEnumerable<ClusterState> GetClusters() => [cluster];

        public bool TryGetRoute(string id, [NotNullWhen(true)] out RouteModel? route)
        {
            route = null;
            return false;
        }

        public bool TryGetCluster(string id, [NotNullWhen(true)] out ClusterState? state)
        {
            state = id == cluster.ClusterId ? cluster : null;
            return state is not null;
        }
    }
}
