using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Acme;

/// <summary>Orders by result (the manager's counts, copied at scrape time) and each ACME certificate's time left (set at scrape time).</summary>
internal sealed class AcmeMetrics : IMetricsPublisher
{
    private readonly Counter _orders;
    private readonly Gauge _expiry;
    private readonly AcmeCertificateManager _manager;
    private readonly TimeProvider _timeProvider;

    public AcmeMetrics(ProxyMetrics metrics, AcmeCertificateManager manager, TimeProvider timeProvider)
    {
        _manager = manager;
        _timeProvider = timeProvider;
        _orders = metrics.Factory.CreateCounter("edgeproxy_acme_orders_total", "ACME certificate orders by result (success, failure).", ["result"]);
        _expiry = metrics.Factory.CreateGauge("edgeproxy_acme_certificate_expiry_seconds",
            "Seconds until each ACME certificate expires (negative once expired; absent until one is issued).", ["certificate"]);
        _orders.WithLabels("success");
        _orders.WithLabels("failure");
    }

    public void Publish()
    {
        var now = _timeProvider.GetUtcNow();
        _orders.WithLabels("success").IncTo(_manager.Successes);
        _orders.WithLabels("failure").IncTo(_manager.Failures);
        foreach (var state in _manager.Snapshot())
        {
            if (state.NotAfter is { } notAfter)
            {
                _expiry.WithLabels(state.Name).Set((notAfter - now).TotalSeconds);
            }
        }
    }
}
