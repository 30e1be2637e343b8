using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

/// <summary>Unready only while the trusted list is older than <c>MaxAge</c>; a failed refresh alone does not matter.</summary>
internal sealed class CloudflareReadinessCheck(CloudflareRangeRefresher refresher, IOptions<CloudflareOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!refresher.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Cloudflare is not trusted"));
        }

        var list = refresher.Current;
        var age = timeProvider.GetUtcNow() - list.ConfirmedAt;
        var summary = $"{list.Origin.ToString().ToLowerInvariant()} list of {list.Ranges.Count} ranges, {age.TotalHours:0.#} h old";
        return Task.FromResult(age <= options.Value.MaxAge
            ? HealthCheckResult.Healthy(summary)
            : HealthCheckResult.Unhealthy($"{summary} (limit {options.Value.MaxAge}); last error: {refresher.State.LastError?.Message ?? "none"}"));
    }
}
