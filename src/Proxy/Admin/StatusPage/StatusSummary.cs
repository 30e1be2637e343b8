using System.Globalization;
using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// The <c>summary</c> of <c>/status</c>: the verdict the page's top strip shows, worked out from the other sections and
/// the readiness checks. Levels are <c>ok</c>, <c>warn</c>, <c>bad</c> and <c>off</c> (not in use), always with words.
/// </summary>
internal static class StatusSummary
{
    public static JsonObject Build(JsonObject status, HealthReport? readiness)
    {
        // Unhealthy checks make the proxy unready; degraded ones leave it ready (amber, never red) and are listed apart,
        // so that "ready" and "notReady" never disagree.
        var notReady = Entries(readiness, HealthStatus.Unhealthy);
        var degraded = Entries(readiness, HealthStatus.Degraded);
        var problems = DownDestinations(status).ToList();
        var badges = new[] { Config(status), Cloudflare(status), Certificates(status), Ocsp(status), OriginPulls(status) };
        var ready = readiness is null || readiness.Status != HealthStatus.Unhealthy;
        var level = !ready || badges.Any(b => b.Level == "bad") || problems.Any(p => p.Bad) ? "bad"
            : problems.Count > 0 || degraded.Count > 0 || badges.Any(b => b.Level == "warn") ? "warn" : "ok";
        var headline = (ready ? degraded.Count > 0 ? "Ready, degraded: " + string.Join("; ", degraded) : "Ready" : "Not ready: " + string.Join("; ", notReady)) + problems.Count switch
        {
            0 => "",
            1 => " · 1 destination down: " + problems[0].Destination,
            var n => $" · {n} destinations down: " + string.Join(", ", problems.Select(p => p.Destination)),
        };

        return new JsonObject
        {
            ["level"] = level,
            ["ready"] = ready,
            ["headline"] = headline,
            ["notReady"] = StatusJson.Strings(notReady),
            ["degraded"] = StatusJson.Strings(degraded),
            ["problems"] = StatusJson.Array(problems, p => (JsonNode?)p.Text),
            ["badges"] = StatusJson.Array(badges, b => new JsonObject { ["id"] = b.Id, ["label"] = b.Label, ["level"] = b.Level, ["text"] = b.Text }),
        };
    }

    private static List<string> Entries(HealthReport? readiness, HealthStatus status) =>
        readiness?.Entries.Where(e => e.Value.Status == status)
            .Select(e => e.Value.Description is { } d ? $"{e.Key}: {d}" : $"{e.Key}: {e.Value.Status}").ToList() ?? [];

    private static IEnumerable<(string Destination, string Text, bool Bad)> DownDestinations(JsonObject status)
    {
        foreach (var cluster in status.At("proxy").Items("clusters"))
        {
            var none = cluster.Num("availableDestinations") == 0;
            foreach (var d in cluster.Items("destinations").Where(d => !d.Bool("available")))
            {
                var name = $"{cluster.Str("id")}/{d.Str("id")}";
                yield return (name, $"{name} is down (active health {d.Str("active")}, passive {d.Str("passive")})"
                    + (none ? $"; cluster {cluster.Str("id")} has no available destination" : ""), none);
            }
        }
    }

    private static Badge Config(JsonObject status)
    {
        var config = status.At("config");
        var pending = config.Strings("pendingEditErrors").ToList();
        var restart = config.Strings("restartRequired").ToList();
        return pending.Count > 0 ? new("config", "Config", "warn", "refused edit pending: " + pending[0])
            : restart.Count > 0 ? new("config", "Config", "warn", "restart required for " + string.Join(", ", restart))
            : new("config", "Config", "ok", $"last reload applied {Time(config.Str("appliedAt"))}");
    }

    private static Badge Cloudflare(JsonObject status)
    {
        var cf = status.At("cloudflare");
        if (cf is null || !cf.Bool("trusted"))
        {
            return new("cloudflare", "Cloudflare ranges", "off", "not trusted (EdgeProxy:ClientIp:TrustCloudflare is off)");
        }

        var summary = $"{cf.Str("origin")} list, {cf.Num("count")} ranges, age {Age(cf.Num("ageSeconds"))}";
        var error = cf.At("lastError") is { } e ? $"; last refresh failed: {e.Str("reason")}" : "";
        // Stale is degraded, not failing: the proxy keeps serving with the list (unready only past FailReadinessWhenOlderThan,
        // which the readiness verdict itself makes red).
        return cf.Bool("stale") ? new("cloudflare", "Cloudflare ranges", "warn", "stale: " + summary + error)
            : error.Length > 0 ? new("cloudflare", "Cloudflare ranges", "warn", summary + error)
            : new("cloudflare", "Cloudflare ranges", "ok", summary);
    }

    private static Badge Certificates(JsonObject status)
    {
        var certificates = status.At("tls").Items("certificates").ToList();
        if (certificates.FirstOrDefault(c => c.Str("error") is not null) is { } broken)
        {
            return new("certificates", "Certificates", "bad", $"{broken.Str("key")}: {broken.Str("error")}");
        }

        if (certificates.Where(c => c.Num("daysLeft") is not null).MinBy(c => c.Num("daysLeft")) is not { } soonest)
        {
            return new("certificates", "Certificates", "off", "no certificate loaded");
        }

        var days = soonest.Num("daysLeft")!.Value;
        var text = days < 0 ? $"{soonest.Str("key")} has expired" : $"fewest days left: {days:0} ({soonest.Str("key")})";
        return new("certificates", "Certificates", days < 7 ? "bad" : days < 21 ? "warn" : "ok", text);
    }

    private static Badge Ocsp(JsonObject status)
    {
        var ocsp = status.At("ocsp");
        var worst = ocsp.Items("certificates").MaxBy(c => OcspSeverity(c.Str("state")));
        if (worst is null)
        {
            return new("ocsp", "OCSP", "off", "no certificate to staple");
        }

        var state = worst.Str("state");
        var level = OcspSeverity(state) switch { >= 3 => "bad", 2 => "warn", 1 => "ok", _ => "off" };
        return new("ocsp", "OCSP", level, $"worst: {state} ({worst.Str("key")})");
    }

    private static int OcspSeverity(string? state) => state switch
    {
        "disabled" or "no-ocsp-url" => 0,
        "stapled-good" => 1,
        "revoked" or "unknown" => 3,
        _ => 2,
    };

    private static Badge OriginPulls(JsonObject status)
    {
        var aop = status.At("authenticatedOriginPulls");
        var mode = aop.Str("mode") ?? "Off";
        return mode == "Off" ? new("originPulls", "Origin pulls", "off", "Authenticated Origin Pulls off")
            : new("originPulls", "Origin pulls", aop.Num("refused") > 0 ? "warn" : "ok",
                $"{mode}: {aop.Num("verified")} verified, {aop.Num("missing")} missing, {aop.Num("refused")} refused");
    }

    internal static string Age(double? seconds) => seconds switch
    {
        null => "unknown",
        < 120 => $"{seconds:0} s",
        < 7200 => $"{seconds / 60:0} min",
        < 172800 => $"{seconds / 3600:0} h",
        _ => $"{seconds / 86400:0} d",
    };

    private static string Time(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "never";

    private sealed record Badge(string Id, string Label, string Level, string Text);
}
