using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.AccessControl;

/// <summary><c>edgeproxy_access_refused_total{policy,reason}</c> and the tracked-client gauges, copied at scrape time.</summary>
internal sealed class AccessControlMetrics(ProxyMetrics metrics, AccessControlCounters counters, AccessControlState state) : IMetricsPublisher
{
    private readonly Counter _refused = metrics.Factory.CreateCounter("edgeproxy_access_refused_total",
        "Requests refused by an access policy or rate limit, by its name and the reason (ip, credentials, brute-force, rate).", ["policy", "reason"]);

    private readonly Gauge _tracked = metrics.Factory.CreateGauge("edgeproxy_rate_limit_tracked_clients",
        "Client IPs with a token bucket, by rate limit (bounded; idle ones are dropped).", ["policy"]);

    public void Publish()
    {
        foreach (var (policy, reason, count) in counters.Refused)
        {
            _refused.WithLabels(policy, reason.Label()).IncTo(count);
        }

        foreach (var limit in state.Current.RateLimits.Values)
        {
            _tracked.WithLabels(limit.Name).Set(limit.Limiter.TrackedClients);
        }
    }
}
