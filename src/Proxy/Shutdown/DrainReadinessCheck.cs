using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Shutdown;

internal sealed class DrainReadinessCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining ? HealthCheckResult.Unhealthy("shutting down: draining") : HealthCheckResult.Healthy());
}
