using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Tracing;

/// <summary>What became of recorded spans, copied at scrape time.</summary>
internal sealed class TracingMetrics(ProxyMetrics metrics, SpanExportCounters counters) : IMetricsPublisher
{
    private readonly Counter _exported = metrics.Factory.CreateCounter("edgeproxy_tracing_exported_total",
        "Spans the OTLP collector accepted (EdgeProxy:Tracing).");

    private readonly Counter _dropped = metrics.Factory.CreateCounter("edgeproxy_tracing_dropped_total",
        "Recorded spans lost: the export queue was full, or the collector failed or refused their batch.");

    public void Publish()
    {
        _exported.IncTo(counters.Exported);
        _dropped.IncTo(counters.Dropped);
    }
}
