using System.Text.Json.Nodes;
using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Yarp.ReverseProxy;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// The <c>live</c> section of <c>/status</c>: per cluster and destination, the totals since start and the rates and
/// latency quantiles over the sampler's window (the last minute).
/// </summary>
internal sealed class LiveStatusSection(LiveTrafficSampler sampler, DestinationTraffic traffic, IProxyStateLookup proxyState) : IStatusSection
{
    public string Name => "live";

    public JsonObject GetStatus()
    {
        var window = sampler.Window();
        var seconds = window is var (oldest, newest) ? (newest.At - oldest.At).TotalSeconds : 0;
        double? Rate(double? delta) => seconds > 0 && delta is { } d ? Math.Round(d / seconds, 2) : null;

        return new JsonObject
        {
            ["windowSeconds"] = Math.Round(seconds),
            ["sampledAt"] = window?.Newest.At,
            ["clusters"] = StatusJson.Array(proxyState.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal), cluster =>
            {
                var first = window?.Oldest.Clusters.GetValueOrDefault(cluster.ClusterId) ?? new ClusterReading(0, 0);
                var last = window?.Newest.Clusters.GetValueOrDefault(cluster.ClusterId);
                return new JsonObject
                {
                    ["id"] = cluster.ClusterId,
                    ["requestsPerSecond"] = Rate(last is null ? null : last.Requests - first.Requests),
                    ["serverErrorsPerSecond"] = Rate(last is null ? null : last.ServerErrors - first.ServerErrors),
                    ["inFlight"] = cluster.Destinations.Values.Sum(d => d.ConcurrentRequestCount),
                    ["lastError"] = traffic.Find(cluster.ClusterId, "")?.LastError?.Text,
                    ["destinations"] = StatusJson.Array(cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal), destination =>
                    {
                        var key = (cluster.ClusterId, destination.DestinationId);
                        var counters = traffic.Find(key.ClusterId, key.DestinationId);
                        var before = window?.Oldest.Destinations.GetValueOrDefault(key);
                        var after = window?.Newest.Destinations.GetValueOrDefault(key);
                        var latency = after is null ? null : Delta(after.LatencyBuckets, before?.LatencyBuckets);
                        return new JsonObject
                        {
                            ["id"] = destination.DestinationId,
                            ["requests"] = counters?.Requests ?? 0,
                            ["serverErrors"] = counters?.ServerErrors ?? 0,
                            ["requestsPerSecond"] = Rate(after is null ? (window is null ? null : 0) : after.Requests - (before?.Requests ?? 0)),
                            ["serverErrorsPerSecond"] = Rate(after is null ? (window is null ? null : 0) : after.ServerErrors - (before?.ServerErrors ?? 0)),
                            ["p50Ms"] = latency is null ? null : LatencyQuantile.Estimate(latency, 0.50),
                            ["p99Ms"] = latency is null ? null : LatencyQuantile.Estimate(latency, 0.99),
                            ["inFlight"] = destination.ConcurrentRequestCount,
                            ["lastError"] = counters?.LastError?.Text,
                            ["lastErrorAt"] = counters?.LastError?.At,
                        };
                    }),
                };
            }),
        };
    }

    private static long[] Delta(long[] after, long[]? before)
    {
        var delta = new long[after.Length];
        for (var i = 0; i < after.Length; i++)
        {
            delta[i] = after[i] - (before?[i] ?? 0);
        }

        return delta;
    }
}
