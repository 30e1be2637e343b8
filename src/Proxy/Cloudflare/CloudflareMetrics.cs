using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Cloudflare;

/// <summary>Range count, age and refresh failures; gauges are read from the refresher at scrape time.</summary>
internal sealed class CloudflareMetrics
{
    private readonly Counter _failures;
    private readonly Gauge _ranges;
    private readonly Gauge _age;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _origin;
    private readonly Gauge _stale;

    public CloudflareMetrics(ProxyMetrics metrics)
    {
        var factory = metrics.Factory;
        _failures = factory.CreateCounter("edgeproxy_cloudflare_refresh_failures_total", "Refused or failed Cloudflare range refreshes by reason.", ["reason"]);
        _ranges = factory.CreateGauge("edgeproxy_cloudflare_ranges", "Cloudflare ranges in the live trusted list.");
        _age = factory.CreateGauge("edgeproxy_cloudflare_ranges_age_seconds", "Seconds since a source last confirmed the live list (the snapshot counts from its publication).");
        _lastSuccess = factory.CreateGauge("edgeproxy_cloudflare_last_success_timestamp_seconds", "Unix time of the last successful refresh (0: none yet).");
        _stale = factory.CreateGauge("edgeproxy_cloudflare_ranges_stale", "1 while the live list is older than EdgeProxy:Cloudflare:MaxAge (a warning; readiness fails only with FailReadinessWhenOlderThan).");
        _origin = factory.CreateGauge("edgeproxy_cloudflare_ranges_origin", "1 for where the live list came from: snapshot, cache or live.", ["origin"]);
        foreach (var reason in RangeRejection.All)
        {
            _failures.WithLabels(reason);
        }
    }

    internal void CountFailure(string reason) => _failures.WithLabels(reason).Inc();

    internal void Publish(CloudflareRangeRefresher refresher, bool stale, DateTimeOffset now)
    {
        var list = refresher.Current;
        _stale.Set(stale ? 1 : 0);
        _ranges.Set(list.Ranges.Count);
        _age.Set((now - list.ConfirmedAt).TotalSeconds);
        _lastSuccess.Set(refresher.State.LastSuccessAt?.ToUnixTimeSeconds() ?? 0);
        foreach (var origin in Enum.GetValues<RangeOrigin>())
        {
            _origin.WithLabels(origin.ToString().ToLowerInvariant()).Set(origin == list.Origin ? 1 : 0);
        }
    }
}
