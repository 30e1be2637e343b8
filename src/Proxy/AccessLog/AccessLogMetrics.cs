using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.AccessLog;

internal sealed class AccessLogMetrics(ProxyMetrics metrics, AccessLogSink sink, KestrelConnectionFailures failures) : IMetricsPublisher
{
    private readonly Counter _dropped = metrics.Factory.CreateCounter("edgeproxy_access_log_dropped_total",
        "Access records (and, for syslog, forwarded log events) dropped because the target's queue was full or the target failed.", ["target"]);

    private readonly Counter _written = metrics.Factory.CreateCounter("edgeproxy_access_log_written_total",
        "Access records (and, for syslog, forwarded log events) handed to the target.", ["target"]);

    private readonly Counter _connectionErrors = metrics.Factory.CreateCounter("edgeproxy_connection_errors_total",
        "Connections Kestrel ended with an error, by its reason (e.g. tls_handshake_failed, connection_reset, request_headers_timeout).", ["reason"]);

    public void Publish()
    {
        foreach (var target in sink.AllTargets)
        {
            _dropped.WithLabels(target.Name).IncTo(target.Dropped);
            _written.WithLabels(target.Name).IncTo(target.Written);
        }

        foreach (var (reason, count) in failures.Counters)
        {
            _connectionErrors.WithLabels(reason).IncTo(count);
        }
    }
}
