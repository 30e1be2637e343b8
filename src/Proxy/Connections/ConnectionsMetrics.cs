using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Connections;

/// <summary>Public connections and what the limit did to them, copied at scrape time.</summary>
internal sealed class ConnectionsMetrics(ProxyMetrics metrics, IdleConnectionReclaimer reclaimer) : IMetricsPublisher
{
    private readonly Gauge _current = metrics.Factory.CreateGauge("edgeproxy_connections", "Open connections on the public listeners.");

    private readonly Counter _reclaimed = metrics.Factory.CreateCounter("edgeproxy_connections_reclaimed_total",
        "Idle connections closed to admit a new one: reason limit (the public listeners were at Kestrel:Limits:MaxConcurrentConnections) or memory (the working set was above EdgeProxy:Connections:ReclaimAboveMemory).", ["reason"]);

    private readonly Counter _refused = metrics.Factory.CreateCounter("edgeproxy_connections_refused_total",
        "New connections refused: reason limit (every open connection had a request in flight) or per-peer (EdgeProxy:Connections:MaxPerUntrustedPeer).", ["reason"]);

    public void Publish()
    {
        _current.Set(reclaimer.Current);
        _reclaimed.WithLabels("limit").IncTo(reclaimer.Reclaimed);
        _reclaimed.WithLabels("memory").IncTo(reclaimer.ReclaimedForMemory);
        _refused.WithLabels("limit").IncTo(reclaimer.Refused);
        _refused.WithLabels("per-peer").IncTo(reclaimer.RefusedPerPeer);
    }
}
