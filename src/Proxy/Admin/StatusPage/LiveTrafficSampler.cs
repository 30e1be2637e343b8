using EdgeProxy.Metrics;
using Yarp.ReverseProxy;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// Reads the traffic counts every second into a ring of the last minute, so that <c>/status</c> can say "requests per
/// second" and "p99 over the last minute" from two readings instead of keeping rates on the request path. Ticks on
/// <see cref="TimeProvider"/>; <see cref="TakeSample"/> is what a tick does.
/// </summary>
internal sealed class LiveTrafficSampler(DestinationTraffic traffic, ProxyMetrics metrics, IProxyStateLookup proxyState, TimeProvider timeProvider) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>61 readings span the last 60 s.</summary>
    public const int Capacity = 61;

    private readonly Lock _gate = new();
    private readonly LiveSample?[] _ring = new LiveSample?[Capacity];
    private int _next;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        TakeSample();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                TakeSample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (or a start that failed being disposed): nothing to report.
        }
    }

    public void TakeSample()
    {
        var live = new HashSet<(string, string)>();
        var destinations = new Dictionary<(string, string), DestinationReading>();
        foreach (var cluster in proxyState.GetClusters())
        {
            live.Add((cluster.ClusterId, ""));
            foreach (var id in cluster.Destinations.Keys)
            {
                live.Add((cluster.ClusterId, id));
                if (traffic.Find(cluster.ClusterId, id) is { } counters)
                {
                    // Requests first: the buckets then hold at least as many as the count says.
                    var requests = counters.Requests;
                    destinations[(cluster.ClusterId, id)] = new DestinationReading(requests, counters.ServerErrors, counters.LatencyBuckets());
                }
            }
        }

        traffic.Retain(live);
        var sample = new LiveSample(timeProvider.GetUtcNow(), destinations, ReadClusters());
        lock (_gate)
        {
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
        }
    }

    /// <summary>The oldest and newest readings of the last minute; null until two exist.</summary>
    public (LiveSample Oldest, LiveSample Newest)? Window()
    {
        lock (_gate)
        {
            var newest = _ring[(_next + Capacity - 1) % Capacity];
            LiveSample? oldest = null;
            for (var i = 0; i < Capacity && oldest is null; i++)
            {
                oldest = _ring[(_next + i) % Capacity];
            }

            return newest is null || oldest is null || ReferenceEquals(newest, oldest) ? null : (oldest, newest);
        }
    }

    // Cluster totals come from the Prometheus counter the proxy keeps anyway (requests with no destination included).
    private Dictionary<string, ClusterReading> ReadClusters()
    {
        var clusters = new Dictionary<string, ClusterReading>(StringComparer.Ordinal);
        foreach (var labels in metrics.ProxyRequests.GetAllLabelValues())
        {
            var value = metrics.ProxyRequests.WithLabels(labels).Value;
            var serverError = labels[2].Length == 3 && labels[2][0] == '5';
            var total = clusters.GetValueOrDefault(labels[1]) ?? new ClusterReading(0, 0);
            clusters[labels[1]] = new ClusterReading(total.Requests + value, total.ServerErrors + (serverError ? value : 0));
        }

        return clusters;
    }
}
