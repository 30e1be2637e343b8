using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Acme;

/// <summary>
/// An expired ACME certificate is Degraded: it is still served (better than none) and the proxy stays in rotation, but
/// <c>/readyz</c> says so. A certificate not issued yet is not: the configured certificate answers meanwhile.
/// </summary>
internal sealed class AcmeReadinessCheck(AcmeCertificateManager manager, TimeProvider timeProvider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var expired = manager.Snapshot().Where(c => c.NotAfter is { } notAfter && notAfter <= now).ToArray();
        return Task.FromResult(expired.Length == 0
            ? HealthCheckResult.Healthy("no ACME certificate has expired")
            : HealthCheckResult.Degraded($"expired ACME certificate(s), still served: {string.Join("; ", expired.Select(c => $"{c.Name} (expired {c.NotAfter:u}; last error: {c.LastError ?? "none"})"))}"));
    }
}
