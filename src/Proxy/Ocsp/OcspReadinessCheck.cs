using EdgeProxy.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Ocsp;

/// <summary>
/// Unready until the first fetch round is done (so the first client gets a staple), then: unready while a Must-Staple
/// certificate lacks a good staple (browsers hard-fail it), and in <c>Required</c> mode while any certificate that names
/// a responder lacks one.
/// </summary>
internal sealed partial class OcspReadinessCheck(OcspStapler stapler, ILogger<OcspReadinessCheck> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!stapler.InitialRoundDone)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("fetching the first OCSP responses"));
        }

        var missing = stapler.Certificates
            .Where(c => c.State.Kind != OcspStateKind.StapledGood && c.ResponderUrl is not null && c.State.Kind != OcspStateKind.Disabled &&
                        (c.MustStaple || stapler.Mode == OcspStaplingMode.Required))
            .ToList();
        foreach (var certificate in missing.Where(c => c.MustStaple))
        {
            LogMustStapleWithoutStaple(certificate.Key, OcspMetrics.StateLabel(certificate.State.Kind));
        }

        var summary = string.Join(", ", stapler.Certificates.Select(c => $"{c.Key}: {OcspMetrics.StateLabel(c.State.Kind)}"));
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy(summary.Length > 0 ? summary : "no certificates")
            : HealthCheckResult.Unhealthy($"no good staple for {string.Join(", ", missing.Select(c => c.Key + (c.MustStaple ? " (Must-Staple)" : "")))}; {summary}"));
    }

    [LoggerMessage(EventId = EventIds.OcspMustStapleWithoutStaple, EventName = "OcspMustStapleWithoutStaple", Level = LogLevel.Error, Message = "OCSP {Certificate} is Must-Staple but has no good staple ({State}): browsers will refuse it.")]
    private partial void LogMustStapleWithoutStaple(string certificate, string state);
}
