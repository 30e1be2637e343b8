using System.Text.Json.Nodes;
using EdgeProxy.Admin;
using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>Honest status: a degraded check is amber and listed apart; ready and notReady never disagree; a degraded spell is logged once.</summary>
public sealed class StatusSummaryTests
{
    private static JsonObject StaleCloudflare() => JsonNode.Parse("""
        { "cloudflare": { "trusted": true, "origin": "snapshot", "count": 22, "ageSeconds": 9000000, "stale": true, "lastError": { "reason": "fetch-failed" } } }
        """)!.AsObject();

    private static HealthReport Report(HealthStatus status, string description = "snapshot list of 22 ranges, 2500 h old: stale") =>
        new(new Dictionary<string, HealthReportEntry>
        {
            ["cloudflare-ranges"] = new(status, description, TimeSpan.Zero, null, null),
            ["config"] = new(HealthStatus.Healthy, null, TimeSpan.Zero, null, null),
        }, TimeSpan.Zero);

    [Fact]
    public void A_degraded_check_is_amber_ready_and_listed_under_degraded_not_notReady()
    {
        var summary = StatusSummary.Build(StaleCloudflare(), Report(HealthStatus.Degraded));

        Assert.True((bool)summary["ready"]!);
        Assert.Empty(summary["notReady"]!.AsArray());
        Assert.Equal("cloudflare-ranges: snapshot list of 22 ranges, 2500 h old: stale", (string?)Assert.Single(summary["degraded"]!.AsArray()));
        Assert.Equal("warn", (string?)summary["level"]);
        Assert.StartsWith("Ready, degraded: cloudflare-ranges", (string?)summary["headline"]);
        var badge = summary["badges"]!.AsArray().Single(b => (string?)b!["id"] == "cloudflare")!;
        Assert.Equal("warn", (string?)badge["level"]);
    }

    [Fact]
    public void A_failing_check_is_red_not_ready_and_listed_under_notReady_only()
    {
        var summary = StatusSummary.Build(StaleCloudflare(), Report(HealthStatus.Unhealthy, "too old (FailReadinessWhenOlderThan)"));

        Assert.False((bool)summary["ready"]!);
        Assert.Equal("cloudflare-ranges: too old (FailReadinessWhenOlderThan)", (string?)Assert.Single(summary["notReady"]!.AsArray()));
        Assert.Empty(summary["degraded"]!.AsArray());
        Assert.Equal("bad", (string?)summary["level"]);
    }

    [Fact]
    public void A_degraded_spell_is_logged_once_and_its_end_once()
    {
        var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var spells = new ReadinessSpells(factory.CreateLogger<ReadinessSpells>());

        spells.Observe(Report(HealthStatus.Healthy));
        for (var i = 0; i < 5; i++)
        {
            spells.Observe(Report(HealthStatus.Degraded));
        }

        spells.Observe(Report(HealthStatus.Healthy));
        spells.Observe(Report(HealthStatus.Degraded));

        Assert.Equal(2, logs.Lines.Count(l => l.Contains("Readiness check cloudflare-ranges is degraded, still ready", StringComparison.Ordinal)));
        Assert.Single(logs.Lines, l => l.Contains("cloudflare-ranges is healthy again", StringComparison.Ordinal));
        Assert.Equal(3, logs.Lines.Count);
    }
}
