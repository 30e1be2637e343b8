using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Admin;

/// <summary>Unready until the listeners are up and again once shutdown begins, so a load balancer drains the proxy first.</summary>
internal sealed class HostReadinessCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("shutting down")
            : lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Healthy("listening")
            : HealthCheckResult.Unhealthy("starting"));
}
