using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Tls;

/// <summary>Warns at start about certificates that expire within 14 days, and publishes every expiry as a metric.</summary>
internal sealed partial class CertificateExpiryMonitor(
    CertificateInventory certificates,
    ProxyMetrics metrics,
    TimeProvider timeProvider,
    ILogger<CertificateExpiryMonitor> logger) : IHostedService, IMetricsPublisher
{
    private readonly Gauge _expiry = metrics.Factory.CreateGauge("edgeproxy_certificate_expiry_seconds",
        "Seconds until each served certificate expires (negative once expired).", ["certificate", "subject"]);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var certificate in certificates.Read())
        {
            if (certificate.NotAfter is { } notAfter && notAfter - now < CertificateInventory.WarnBefore)
            {
                LogExpiresSoon(certificate.Key, certificate.Subject ?? "", notAfter, Math.Floor((notAfter - now).TotalDays));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Publish()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var certificate in certificates.Read())
        {
            if (certificate.NotAfter is { } notAfter)
            {
                _expiry.WithLabels(certificate.Key, certificate.Subject ?? "").Set((notAfter - now).TotalSeconds);
            }
        }
    }

    [LoggerMessage(EventId = EventIds.TlsCertificateExpiresSoon, EventName = "TlsCertificateExpiresSoon", Level = LogLevel.Warning, Message = "Certificate {Key} ({Subject}) expires on {NotAfter:u}, in {Days} days: renew it (a replaced file is picked up without restart).")]
    private partial void LogExpiresSoon(string key, string subject, DateTimeOffset notAfter, double days);
}
