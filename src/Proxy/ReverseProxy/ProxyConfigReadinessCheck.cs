using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.ReverseProxy;

/// <summary>Ready once routes are applied; a refused edit does not make the proxy unready, it keeps serving the previous routes.</summary>
internal sealed class ProxyConfigReadinessCheck(ProxyConfigStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.RouteCount > 0
            ? HealthCheckResult.Healthy($"{status.RouteCount} route(s) applied")
            : HealthCheckResult.Unhealthy("no routes applied"));
}
