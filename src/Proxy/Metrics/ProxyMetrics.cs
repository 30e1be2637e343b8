using EdgeProxy.Common;
using Prometheus;

namespace EdgeProxy.Metrics;

/// <summary>
/// The proxy's Prometheus registry (one per proxy instance, so several can run in one process) and the metrics every
/// feature shares. Features create their own metrics through <see cref="Factory"/>.
/// </summary>
internal sealed class ProxyMetrics : IDisposable
{
    private static readonly string[] StatusCodeLabels = [.. Enumerable.Range(0, 600).Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    private readonly IDisposable _eventCounters;

    public ProxyMetrics()
    {
        // The default registry would start listening to every .NET meter and event counter in the process; only this
        // proxy's own registry is served.
        Prometheus.Metrics.SuppressDefaultMetrics();
        Registry = Prometheus.Metrics.NewCustomRegistry();
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);

        // Time the runtime was paused for garbage collection: with the collection counts, the average pause, which is
        // what a tail latency (p99) is checked against.
        var gcPause = Factory.CreateCounter("dotnet_gc_pause_seconds_total", "Total time the runtime was paused for garbage collection.");
        Registry.AddBeforeCollectCallback(() => gcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds));

        // YARP's own counters (requests started/failed, current requests) and Kestrel's connection counters. Counters
        // arrive as LogAlways events; listening at Critical keeps the sources' per-request Informational events
        // (request start/stop, connection start/stop) switched off, which costs ~10 % of the proxy's CPU otherwise.
        _eventCounters = EventCounterAdapter.StartListening(new EventCounterAdapterOptions
        {
            MetricFactory = Factory,
            EventSourceFilterPredicate = name => name is "Yarp.ReverseProxy" or "Microsoft-AspNetCore-Server-Kestrel",
            EventSourceSettingsProvider = _ => new EventCounterAdapterEventSourceSettings { MinimumLevel = System.Diagnostics.Tracing.EventLevel.Critical },
        });

        ProxyRequests = Factory.CreateCounter("edgeproxy_proxy_requests_total",
            "Requests forwarded by route, cluster and response status code.", ["route", "cluster", "code"]);
        ProxyErrors = Factory.CreateCounter("edgeproxy_proxy_errors_total",
            "Forwarding errors by cluster and YARP error kind (e.g. Request, RequestTimedOut, NoAvailableDestinations).", ["cluster", "error"]);
        UpstreamDuration = Factory.CreateHistogram("edgeproxy_upstream_request_duration_seconds",
            "Time from the proxy's routing decision to the end of the response, for forwarded requests, by cluster, route and status class (2xx, 5xx…).",
            ["cluster", "route", "code_class"], new HistogramConfiguration { Buckets = UpstreamDurationBuckets });
        ConfigReloads = Factory.CreateCounter("edgeproxy_config_reloads_total",
            "Loads of the configuration file by result (applied, rejected).", ["result"]);
        ConfigRestartRequired = Factory.CreateGauge("edgeproxy_config_restart_required",
            "1 while the file holds edits outside the live sections that apply only at the next start.");
    }

    public Gauge ConfigRestartRequired { get; }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }

    public Counter ProxyRequests { get; }

    public Counter ProxyErrors { get; }

    public Histogram UpstreamDuration { get; }

    /// <summary>Edge-sized buckets: 1 ms (a cache hit next door) to 30 s (a slow report), about ×2–2.5 apart.</summary>
    public static readonly double[] UpstreamDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly string[] StatusClassLabels = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    internal static string StatusClassLabel(int code) => code is >= 100 and < 600 ? StatusClassLabels[(code / 100) - 1] : "other";

    public Counter ConfigReloads { get; }

    internal static string StatusCodeLabel(int code) => (uint)code < StatusCodeLabels.Length ? StatusCodeLabels[code] : "other";

    internal async Task WriteAsync(HttpContext context, IEnumerable<IMetricsPublisher> publishers)
    {
        // Off the admin connection's event thread: publishers and the process statistics read files under /proc.
        await Task.Yield();
        foreach (var publisher in publishers)
        {
            publisher.Publish();
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    public void Dispose() => _eventCounters.Dispose();
}
