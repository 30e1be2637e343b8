using System.Collections.Concurrent;

namespace EdgeProxy.Metrics;

/// <summary>
/// Cumulative per-destination counts of forwarded requests (requests, 5xx, upstream-latency buckets, last error, in
/// flight and its maximum, body bytes each way), kept
/// because the route/cluster counters cannot say which destination answered. Written once per forwarded request with
/// a few interlocked increments; read by the status page's sampler, which turns them into short-window rates.
/// </summary>
internal sealed class DestinationTraffic
{
    /// <summary>Upper bounds, in milliseconds, of the latency buckets (one more bucket counts everything slower).</summary>
    public static readonly double[] LatencyBoundsMs =
        [0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100, 150, 200, 300, 400, 500, 700, 1000, 1500, 2000, 3000, 5000, 10000, 30000];

    private readonly ConcurrentDictionary<(string Cluster, string Destination), DestinationCounters> _counters = new();

    /// <summary>One forwarded request. <paramref name="destination"/> is empty when none was picked (e.g. none available).</summary>
    public void Record(string cluster, string destination, int statusCode, TimeSpan elapsed, string? error, DateTimeOffset now)
    {
        var counters = _counters.GetOrAdd((cluster, destination), static _ => new DestinationCounters());
        counters.Record(statusCode, BucketOf(elapsed.TotalMilliseconds), error, now);
    }

    /// <summary>The counters of a destination, made on first use (for in-flight and byte counts while forwarding).</summary>
    public DestinationCounters For(string cluster, string destination) =>
        _counters.GetOrAdd((cluster, destination), static _ => new DestinationCounters());

    public DestinationCounters? Find(string cluster, string destination) => _counters.GetValueOrDefault((cluster, destination));

    /// <summary>Forgets destinations a configuration edit removed.</summary>
    public void Retain(IReadOnlySet<(string Cluster, string Destination)> live)
    {
        foreach (var key in _counters.Keys)
        {
            if (!live.Contains(key))
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    internal static int BucketOf(double milliseconds)
    {
        var index = Array.BinarySearch(LatencyBoundsMs, milliseconds);
        return index >= 0 ? index : ~index;
    }
}
