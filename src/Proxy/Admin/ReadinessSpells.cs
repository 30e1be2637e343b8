using System.Collections.Concurrent;
using EdgeProxy.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Admin;

/// <summary>
/// Logs a readiness check that turns degraded (still ready) once, when it turns, and once more when it recovers.
/// ASP.NET Core's health-check service logs a Warning on every run of a degraded check, and every probe and status-page
/// poll runs them (its category is filtered to Error in <c>EdgeProxyApplication</c>).
/// </summary>
internal sealed partial class ReadinessSpells(ILogger<ReadinessSpells> logger)
{
    private readonly ConcurrentDictionary<string, HealthStatus> _last = new(StringComparer.Ordinal);

    public void Observe(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var previous = _last.TryGetValue(name, out var last) ? last : HealthStatus.Healthy;
            // Only the caller that swaps the status logs: two probes at once log a change once.
            if (previous == entry.Status || !(_last.TryAdd(name, entry.Status) || _last.TryUpdate(name, entry.Status, previous)))
            {
                continue;
            }

            if (entry.Status == HealthStatus.Degraded)
            {
                LogDegraded(name, entry.Description ?? "no description");
            }
            else if (previous == HealthStatus.Degraded && entry.Status == HealthStatus.Healthy)
            {
                LogRecovered(name);
            }
        }
    }

    [LoggerMessage(EventId = EventIds.ReadinessDegraded, EventName = "ReadinessDegraded", Level = LogLevel.Warning,
        Message = "Readiness check {Check} is degraded, still ready: {Description} (logged once until it changes; /status summary.degraded)")]
    private partial void LogDegraded(string check, string description);

    [LoggerMessage(EventId = EventIds.ReadinessRecovered, EventName = "ReadinessRecovered", Level = LogLevel.Information, Message = "Readiness check {Check} is healthy again")]
    private partial void LogRecovered(string check);
}
