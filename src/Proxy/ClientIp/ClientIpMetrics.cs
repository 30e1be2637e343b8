using EdgeProxy.Metrics;
using EdgeProxy.Middleware.ClientIp;
using Prometheus;

namespace EdgeProxy.ClientIp;

/// <summary>The client-IP middleware's counters as Prometheus counters, copied at scrape time.</summary>
internal sealed class ClientIpMetrics(ProxyMetrics metrics, ClientIpCounters counters, TrustedNetworkRegistry registry) : IMetricsPublisher
{
    private readonly Counter _untrusted = metrics.Factory.CreateCounter("edgeproxy_client_ip_untrusted_header_total",
        "Requests carrying the client-IP header from a peer outside the trusted networks (header ignored).");

    private readonly Counter _malformed = metrics.Factory.CreateCounter("edgeproxy_client_ip_malformed_header_total",
        "Requests from a trusted peer with an empty, repeated, list-valued or invalid client-IP header (peer used).");

    private readonly Counter _lockedOut = metrics.Factory.CreateCounter("edgeproxy_client_ip_locked_out_total",
        "Requests refused with 403 because the peer is not trusted (RequireTrustedPeer).");

    private readonly Gauge _trusted = metrics.Factory.CreateGauge("edgeproxy_trusted_networks", "Networks in the live trusted set (Cloudflare and configured).");

    public void Publish()
    {
        _untrusted.IncTo(counters.UntrustedHeader);
        _malformed.IncTo(counters.MalformedHeader);
        _lockedOut.IncTo(counters.LockedOut);
        _trusted.Set(registry.Current.Count);
    }
}
