namespace EdgeProxy.Admin.StatusPage;

/// <summary>One reading of the cumulative traffic counts, taken by <see cref="LiveTrafficSampler"/>.</summary>
internal sealed record LiveSample(
    DateTimeOffset At,
    IReadOnlyDictionary<(string Cluster, string Destination), DestinationReading> Destinations,
    IReadOnlyDictionary<string, ClusterReading> Clusters);

/// <summary>A destination's totals at one moment: requests, 5xx and latency buckets since start.</summary>
internal sealed record DestinationReading(long Requests, long ServerErrors, long[] LatencyBuckets);

/// <summary>A cluster's totals at one moment, from <c>edgeproxy_proxy_requests_total</c>.</summary>
internal sealed record ClusterReading(double Requests, double ServerErrors);
