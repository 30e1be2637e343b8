using System.Text.Json.Nodes;
using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>The renderer, the verdict and the latency estimate on hand-made <c>/status</c> trees (no proxy).</summary>
public sealed class StatusPageRendererTests
{
    private static JsonObject Status(double daysLeft = 80, string api2Active = "Unhealthy") => JsonNode.Parse($$"""
        {
          "generatedAt": "2026-11-29T01:02:03.456+00:00",
          "config": { "appliedAt": "2026-11-29T00:00:00+00:00", "pendingEditErrors": [], "restartRequired": [] },
          "proxy": {
            "routes": [ { "id": "api<1>", "cluster": "api", "path": "/api/{**rest}", "hosts": ["example.com"], "methods": null } ],
            "clusters": [ { "id": "api", "loadBalancingPolicy": "RoundRobin", "activeHealthCheck": true, "passiveHealthCheck": false, "availableDestinations": 1,
              "destinations": [
                { "id": "api-1", "address": "http://10.0.0.1/", "active": "Healthy", "passive": "Unknown", "available": true },
                { "id": "api-2", "address": "http://10.0.0.2/", "active": "{{api2Active}}", "passive": "Unknown", "available": {{(api2Active == "Healthy" ? "true" : "false")}} } ] } ]
          },
          "live": { "windowSeconds": 60, "clusters": [ { "id": "api", "requestsPerSecond": 12.34, "destinations": [
            { "id": "api-1", "requests": 740, "requestsPerSecond": 12.34, "serverErrorsPerSecond": 0, "p50Ms": 1.25, "p99Ms": 48, "inFlight": 2, "lastError": null } ] } ] },
          "destinations": { "clusters": [ { "id": "api", "up": 1, "inFlight": 3, "requests": 740, "bytesIn": 1500, "bytesOut": 2500000, "destinations": [
            { "id": "api-1", "state": "drain", "status": "DRAIN", "statusText": "DRAIN", "inFlight": 3, "maxInFlight": 9, "bytesIn": 1500, "bytesOut": 2500000,
              "lastCheck": "HTTP 200", "lastCheckAt": "2026-11-29T01:02:00+00:00", "statusForSeconds": 150 } ] } ] },
          "tls": { "certificates": [ { "key": "Kestrel:Endpoints:Https", "names": "example.com", "issuer": "CN=Test CA", "notAfter": "2027-02-01T00:00:00+00:00", "daysLeft": {{daysLeft}} } ] },
          "ocsp": { "mode": "Auto", "certificates": [ { "key": "Kestrel:Endpoints:Https", "state": "stapled-good" } ] },
          "cloudflare": { "trusted": true, "origin": "live", "count": 22, "ageSeconds": 7300, "stale": false, "lastError": null },
          "authenticatedOriginPulls": { "mode": "Off" },
          "trust": { "count": 1, "networks": [ { "network": "10.0.0.0/8", "source": "EdgeProxy:ClientIp:TrustedNetworks" } ], "restored": 41, "untrustedHeader": 3, "malformedHeader": 0, "workerRefused": 0, "lockedOut": 0 },
          "accessControl": { "policies": {}, "rateLimits": { "perClient": { "routes": ["api<1>"], "permitsPerSecond": 10, "burst": 20 } } }
        }
        """)!.AsObject();

    private static string Render(JsonObject status)
    {
        status["summary"] = StatusSummary.Build(status, new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero));
        return StatusPageRenderer.Render(status);
    }

    [Fact]
    public void Verdict_names_the_down_destination_in_words_and_badges_carry_text()
    {
        var html = Render(Status());

        Assert.Equal("Ready · 1 destination down: api/api-2", StatusPageDom.Text(html, "summary", "headline"));
        Assert.Equal("warn", StatusPageDom.Level(html, "summary", "level"));
        Assert.Equal("ok", StatusPageDom.Text(html, "summary", "badges", "certificates", "level"));
        Assert.Equal("fewest days left: 80 (Kestrel:Endpoints:Https)", StatusPageDom.Text(html, "summary", "badges", "certificates", "text"));
        Assert.Equal("worst: stapled-good (Kestrel:Endpoints:Https)", StatusPageDom.Text(html, "summary", "badges", "ocsp", "text"));
        Assert.Equal("live list, 22 ranges, age 2 h", StatusPageDom.Text(html, "summary", "badges", "cloudflare", "text"));
        Assert.Contains("api/api-2 is down (active health Unhealthy, passive Unknown)", html);
    }

    [Theory]
    [InlineData(3, "bad")]
    [InlineData(15, "warn")]
    [InlineData(40, "ok")]
    public void Certificate_badge_turns_amber_then_red_as_expiry_nears(double daysLeft, string level)
    {
        var html = Render(Status(daysLeft, api2Active: "Healthy"));

        Assert.Equal(level, StatusPageDom.Level(html, "summary", "badges", "certificates", "level"));
        Assert.Equal(level == "ok" ? "ok" : level, StatusPageDom.Level(html, "summary", "level"));
    }

    [Fact]
    public void Numbers_are_formatted_alike_for_the_server_and_the_script_and_missing_ones_show_a_dash()
    {
        var status = Status();
        // As the sections build it: a date value, not a parsed string.
        status["generatedAt"] = new DateTimeOffset(2026, 11, 29, 1, 2, 3, TimeSpan.Zero);
        status["config"]!["appliedAt"] = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        var html = Render(status);

        Assert.Equal("12.3", StatusPageDom.Text(html, "live", "clusters", "api", "destinations", "api-1", "requestsPerSecond"));
        Assert.Equal("1.3", StatusPageDom.Text(html, "live", "clusters", "api", "destinations", "api-1", "p50Ms"));
        Assert.Equal("740", StatusPageDom.Text(html, "live", "clusters", "api", "destinations", "api-1", "requests"));
        Assert.Equal("–", StatusPageDom.Text(html, "live", "clusters", "api", "destinations", "api-2", "requestsPerSecond"));
        Assert.Equal("01:02:03 UTC", StatusPageDom.Text(html, "generatedAt"));
        Assert.Equal("last reload applied 2026-11-29 00:00:00 UTC", StatusPageDom.Text(html, "summary", "badges", "config", "text"));
    }

    [Fact]
    public void Page_is_one_accessible_document_with_its_own_script_and_style_files_and_names_escaped()
    {
        var html = Render(Status());

        Assert.Contains("<th scope=\"col\">Destination</th>", html);
        Assert.Contains("<th scope=\"row\">api-1</th>", html);
        Assert.Contains("<th scope=\"row\">api&lt;1&gt;</th>", html);
        Assert.DoesNotContain("api<1>", html);
        Assert.Contains("perClient (10/s, burst 20)", html);
        Assert.Contains("CN=Test CA", html);
        Assert.Contains("prefers-color-scheme:dark", StatusPageStyle.Css);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/status.css\">", html);
        Assert.Contains("name=\"viewport\"", html);
        Assert.Contains("<form id=\"trust-form\" action=\"/trust\"", html);
        Assert.DoesNotContain("://", html.Replace("http://10.0.0.1/", "").Replace("http://10.0.0.2/", ""));
        Assert.Equal(1, html.Split("<script src=\"/status.js\"></script>").Length - 1);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<style>", html);
    }

    [Fact]
    public void Shape_changes_when_a_destination_goes_down_so_the_script_reloads_instead_of_patching()
    {
        Assert.Equal(Shape(Status()), Shape(Status()));
        Assert.NotEqual(Shape(Status(api2Active: "Healthy")), Shape(Status()));
    }

    [Fact]
    public void Acme_certificates_get_their_own_table_whose_state_change_reloads_the_page()
    {
        static JsonObject WithAcme(string state)
        {
            var status = Status();
            status["acme"] = JsonNode.Parse($$"""
                { "enabled": true, "certificates": [ { "name": "site<1>", "names": ["example.com", "www.example.com"], "challenge": "Http01",
                  "state": "{{state}}", "notAfter": "2027-03-01T00:00:00+00:00", "nextRenewal": "2027-01-30T00:00:00+00:00", "lastError": "rateLimited: try later" } ] }
                """);
            return status;
        }

        var html = Render(WithAcme("failed"));

        Assert.Contains("<h3 id=\"acme-title\">Automatic (ACME)</h3>", html);
        Assert.Contains("<th scope=\"row\">site&lt;1&gt;</th><td>example.com, www.example.com</td><td>Http01</td>", html);
        Assert.Equal("failed", StatusPageDom.Text(html, "acme", "certificates", "site<1>", "state"));
        Assert.Equal("rateLimited: try later", StatusPageDom.Text(html, "acme", "certificates", "site<1>", "lastError"));
        Assert.Contains("data-level=\"bad\">failed</td>", html);
        Assert.NotEqual(Shape(WithAcme("valid")), Shape(WithAcme("failed")));
        Assert.DoesNotContain("acme-title", Render(Status()));
    }

    [Fact]
    public void Latency_quantiles_interpolate_inside_the_bucket()
    {
        var buckets = new long[DestinationTraffic.LatencyBoundsMs.Length + 1];
        buckets[DestinationTraffic.BucketOf(4.5)] = 90; // (4, 5] ms
        buckets[DestinationTraffic.BucketOf(180)] = 10; // (150, 200] ms

        Assert.Equal(4.6, LatencyQuantile.Estimate(buckets, 0.50));
        Assert.Equal(195, LatencyQuantile.Estimate(buckets, 0.99));
        Assert.Null(LatencyQuantile.Estimate(new long[buckets.Length], 0.5));
    }

    private static string Shape(JsonObject status)
    {
        status["summary"] = StatusSummary.Build(status, null);
        return StatusPageRenderer.Shape(status);
    }

    [Fact]
    public void Each_destination_row_shows_its_runtime_state_detail_and_buttons_for_the_runtime_api()
    {
        var status = Status();
        status["proxy"]!["clusters"]![0]!["destinations"]![1]!["id"] = "api<2>";
        var html = Render(status);

        string[] row = ["destinations", "clusters", "api", "destinations", "api-1"];
        Assert.Equal("DRAIN", StatusPageDom.Text(html, [.. row, "statusText"]));
        Assert.Equal("DRAIN", StatusPageDom.Level(html, [.. row, "status"]));
        Assert.Equal("3 min", StatusPageDom.Text(html, [.. row, "statusForSeconds"]));
        Assert.Equal("9", StatusPageDom.Text(html, [.. row, "maxInFlight"]));
        Assert.Equal("1.5 kB", StatusPageDom.Text(html, [.. row, "bytesIn"]));
        Assert.Equal("2.5 MB", StatusPageDom.Text(html, [.. row, "bytesOut"]));
        Assert.Equal("HTTP 200", StatusPageDom.Text(html, [.. row, "lastCheck"]));
        Assert.Equal("01:02:00 UTC", StatusPageDom.Text(html, [.. row, "lastCheckAt"]));
        Assert.Equal("2.5 MB", StatusPageDom.Text(html, "destinations", "clusters", "api", "bytesOut"));
        // A destination the section does not know yet (just added) shows dashes, never a wrong value.
        Assert.Equal("–", StatusPageDom.Text(html, "destinations", "clusters", "api", "destinations", "api<2>", "statusText"));
        foreach (var action in (string[])["drain", "maint", "ready"])
        {
            Assert.Contains($"<button type=\"button\" data-set=\"{action}\" data-cluster=\"api\" data-name=\"api-1\"", html);
            Assert.Contains($"data-set=\"{action}\" data-cluster=\"api\" data-name=\"api&lt;2&gt;\"", html);
        }

        Assert.DoesNotContain("api<2>", html);

        // The buttons ask for a token only when writes need one.
        Assert.Contains("<body data-refreshes=\"0\" data-token=\"none\"", html);
        status["admin"] = new JsonObject { ["tokenRequired"] = true };
        Assert.Contains("<body data-refreshes=\"0\" data-token=\"required\"", Render(status));
    }
}
