using EdgeProxy.Common;
using EdgeProxy.Metrics;
using EdgeProxy.Middleware.ClientIp;
using Prometheus;

namespace EdgeProxy.ClientIp;

/// <summary>The client-IP middleware's counters as Prometheus counters, copied at scrape time.</summary>
internal sealed class ClientIpMetrics(ProxyMetrics metrics, ClientIpCounters counters, TrustedNetworkRegistry registry) : IMetricsPublisher
{
    private readonly Counter _restored = metrics.Factory.CreateCounter("edgeproxy_client_ip_restored_total",
        "Requests whose client IP was restored from the header of a trusted peer.");

    private readonly Counter _untrusted = metrics.Factory.CreateCounter("edgeproxy_client_ip_untrusted_header_total",
        "Requests carrying the client-IP header from a peer that is not trusted: outside the trusted networks, or without a valid origin-pull certificate (header ignored).");

    private readonly Counter _malformed = metrics.Factory.CreateCounter("edgeproxy_client_ip_malformed_header_total",
        "Requests from a trusted peer with an empty, repeated, list-valued or invalid client-IP header (peer used).");

    private readonly Counter _workerRefused = metrics.Factory.CreateCounter("edgeproxy_client_ip_worker_refused_total",
        "Requests from a trusted peer relaying a Cloudflare Worker of a zone not in WorkerZones (client-IP header ignored, peer used).");

    private readonly Counter _lockedOut = metrics.Factory.CreateCounter("edgeproxy_client_ip_locked_out_total",
        "Connections from untrusted peers closed at accept, before TLS (RequireTrustedPeer).");

    private readonly Gauge _trusted = metrics.Factory.CreateGauge("edgeproxy_trusted_networks", "Networks in the live trusted set (Cloudflare and configured).");

    public void Publish()
    {
        _restored.IncTo(counters.Restored);
        _untrusted.IncTo(counters.UntrustedHeader);
        _malformed.IncTo(counters.MalformedHeader);
        _workerRefused.IncTo(counters.WorkerRefused);
        _lockedOut.IncTo(counters.LockedOut);
        _trusted.Set(registry.Current.Count);
    }
}
