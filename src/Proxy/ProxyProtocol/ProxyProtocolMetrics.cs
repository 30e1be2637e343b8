using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.ProxyProtocol;

/// <summary>PROXY listeners' accepted and refused connections (all listed endpoints together), copied at scrape time.</summary>
internal sealed class ProxyProtocolMetrics(ProxyMetrics metrics, ProxyProtocolListeners listeners) : IMetricsPublisher
{
    private readonly Counter _accepted = metrics.Factory.CreateCounter("edgeproxy_proxy_protocol_accepted_total",
        "Connections on EdgeProxy:ProxyProtocol:Endpoints whose PROXY header was read and applied.");

    private readonly Counter _refused = metrics.Factory.CreateCounter("edgeproxy_proxy_protocol_refused_total",
        "Connections on EdgeProxy:ProxyProtocol:Endpoints closed before TLS: untrusted-sender, missing, malformed, oversized, truncated, timeout.", ["reason"]);

    public void Publish()
    {
        _accepted.IncTo(listeners.All.Sum(c => c.Accepted));
        foreach (var reason in Enum.GetValues<ProxyProtocolRefusal>())
        {
            _refused.WithLabels(ProxyProtocolCounters.Label(reason)).IncTo(listeners.All.Sum(c => c.Refused(reason)));
        }
    }
}
