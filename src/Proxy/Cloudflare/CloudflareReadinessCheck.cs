using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

/// <summary>
/// A stale list (older than <c>MaxAge</c>) is Degraded, which keeps the proxy ready: every replica shares the source,
/// and taking them all out at once would take the site down while serving is fine. Unready only with
/// <c>FailReadinessWhenOlderThan</c> set and exceeded.
/// </summary>
internal sealed class CloudflareReadinessCheck(CloudflareRangeRefresher refresher, IOptions<CloudflareOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!refresher.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Cloudflare is not trusted"));
        }

        var settings = options.Value;
        var list = refresher.Current;
        var now = timeProvider.GetUtcNow();
        var age = now - list.ConfirmedAt;
        var summary = $"{list.Origin.ToString().ToLowerInvariant()} list of {list.Ranges.Count} ranges, {age.TotalHours:0.#} h old";
        var lastError = $"last error: {refresher.State.LastError?.Message ?? "none"}";
        var result = settings.FailReadinessWhenOlderThan is { } limit && age > limit
            ? HealthCheckResult.Unhealthy($"{summary} (FailReadinessWhenOlderThan {limit}); {lastError}")
            : settings.IsStale(list, now)
                ? HealthCheckResult.Degraded($"{summary}: stale (MaxAge {settings.MaxAge}), still serving; {lastError}")
                : HealthCheckResult.Healthy(summary);
        return Task.FromResult(result);
    }
}
