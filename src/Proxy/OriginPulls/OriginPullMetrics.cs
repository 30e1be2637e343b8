using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.OriginPulls;

/// <summary>The handshake verdicts as a Prometheus counter, copied at scrape time.</summary>
internal sealed class OriginPullMetrics(ProxyMetrics metrics, OriginPullCounters counters) : IMetricsPublisher
{
    private readonly Counter _handshakes = metrics.Factory.CreateCounter("edgeproxy_origin_pull_handshakes_total",
        "TLS handshakes on public listeners by the verdict on their Authenticated Origin Pulls client certificate.", ["result"]);

    public void Publish()
    {
        _handshakes.WithLabels("verified").IncTo(counters.Verified);
        _handshakes.WithLabels("missing").IncTo(counters.Missing);
        _handshakes.WithLabels("refused").IncTo(counters.Refused);
    }
}
