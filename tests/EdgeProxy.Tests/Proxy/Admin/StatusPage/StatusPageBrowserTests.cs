using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>The status page in a real browser (headless Chromium) against a running proxy with one destination down.</summary>
public sealed class StatusPageBrowserTests
{
    private static readonly string ArtifactDirectory = Path.Combine(AppContext.BaseDirectory, "artifacts");

    [RequiresCommandFact(HeadlessChromium.Command)]
    public async Task Page_names_the_down_destination_shows_health_and_rates_and_its_refresh_brings_newer_numbers()
    {
        await using var scenario = await StatusPageScenario.StartAsync();
        await scenario.SendLoadAsync(20);
        await scenario.WaitForLiveAsync(20);
        await using var relay = await AdminRelay.StartAsync(scenario.Proxy.Admin);
        // Between the page's load (request 1) and its script's first refresh (request 2): more traffic, seen by the sampler.
        relay.BeforeJsonRequest = async n =>
        {
            if (n == 1)
            {
                await scenario.SendLoadAsync(15);
                await scenario.WaitForLiveAsync(35);
            }
        };

        // 7 s of page time: one refresh (at 5 s), not two.
        var dom = await HeadlessChromium.DumpDomAsync(new Uri(relay.BaseUri, "/status"), 7000);

        Assert.Contains("api/api-2", StatusPageDom.Text(dom, "summary", "headline"));
        Assert.Equal("warn", StatusPageDom.Level(dom, "summary", "level"));
        Assert.Equal("Unhealthy", StatusPageDom.Text(dom, "proxy", "clusters", "api", "destinations", "api-2", "active"));
        Assert.Equal("Unhealthy", StatusPageDom.Level(dom, "proxy", "clusters", "api", "destinations", "api-2", "active"));
        Assert.Equal("Healthy", StatusPageDom.Text(dom, "proxy", "clusters", "api", "destinations", "api-1", "active"));
        Assert.Equal("Unknown", StatusPageDom.Text(dom, "proxy", "clusters", "web", "destinations", "web-1", "active"));
        Assert.True(StatusPageDom.Number(dom, "live", "clusters", "web", "destinations", "web-1", "requestsPerSecond") > 0);
        Assert.True(StatusPageDom.Number(dom, "live", "clusters", "api", "destinations", "api-1", "requestsPerSecond") > 0);
        Assert.True(StatusPageDom.Number(dom, "live", "clusters", "web", "destinations", "web-1", "p99Ms") > 0);
        Assert.Equal(0, StatusPageDom.Number(dom, "live", "clusters", "web", "destinations", "web-1", "serverErrorsPerSecond"));
        Assert.True(StatusPageDom.Number(dom, "live", "clusters", "web", "requestsPerSecond") > 0);

        // The script refreshed once, without reloading the page, and the count it shows now includes the second load.
        var requests = relay.Requests.ToList();
        Assert.True(requests.Count == 2 && requests[1].Contains("application/json", StringComparison.Ordinal), string.Join("\n", requests));
        Assert.Equal("1", Regex.Match(dom, "<body [^>]*data-refreshes=\"(\\d+)\"").Groups[1].Value);
        var served = StatusPageDom.Number(relay.FirstBody!, "live", "clusters", "web", "destinations", "web-1", "requests");
        var refreshed = StatusPageDom.Number(dom, "live", "clusters", "web", "destinations", "web-1", "requests");
        Assert.True(served >= 20 && refreshed >= served + 15, $"served {served}, refreshed {refreshed}");

        Directory.CreateDirectory(ArtifactDirectory);
        var screenshot = Path.Combine(ArtifactDirectory, "status-page.png");
        File.Delete(screenshot);
        await HeadlessChromium.ScreenshotAsync(new Uri(relay.BaseUri, "/status"), screenshot, 1280, 1400);
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        await HeadlessChromium.ScreenshotAsync(new Uri(relay.BaseUri, "/status"), Path.Combine(ArtifactDirectory, "status-page-phone-dark.png"), 390, 1600, dark: true);
    }

    [RequiresCommandFact(HeadlessChromium.Command)]
    public async Task Page_loads_nothing_from_another_origin()
    {
        await using var scenario = await StatusPageScenario.StartAsync();
        await scenario.SendLoadAsync(3);
        // Without the page's Content-Security-Policy the browser would fetch anything the markup named: it must name nothing.
        await using var relay = await AdminRelay.StartAsync(scenario.Proxy.Admin);
        relay.PassContentSecurityPolicy = false;
        using var netLog = new TempDirectory();
        var netLogPath = netLog.File("netlog.json");

        await HeadlessChromium.DumpDomAsync(new Uri(relay.BaseUri, "/status"), 7000, netLogPath);

        // Every URL the page asked for (its requests carry its origin as initiator; the browser's own do not).
        var origin = relay.BaseUri.GetLeftPart(UriPartial.Authority);
        using var log = JsonDocument.Parse(await File.ReadAllTextAsync(netLogPath));
        var urls = log.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.TryGetProperty("params", out var p) && p.TryGetProperty("initiator", out var i) && i.GetString() == origin && p.TryGetProperty("url", out _))
            .Select(e => e.GetProperty("params").GetProperty("url").GetString()!).Distinct().ToList();
        Assert.Contains(urls, u => u.StartsWith(origin + "/status", StringComparison.Ordinal));
        var foreign = urls.Where(u => !u.StartsWith(origin + "/", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, "requests to other origins: " + string.Join(", ", foreign));
        Assert.True(relay.Requests.Count >= 2, "the refresh never reached the relay: " + string.Join("\n", relay.Requests));

        // And the markup names no other origin (destination addresses are text, not links), so a reviewer need not trust the browser alone.
        var page = relay.FirstBody!;
        var links = Regex.Matches(page, "\\b(?:src|href|action|formaction|srcset|poster|data)\\s*=\\s*\"(?<v>[^\"]*)\"").Select(m => m.Groups["v"].Value).ToList();
        Assert.Contains("/trust", links);
        Assert.All(links, link => Assert.Matches("^(?:/(?!/)|data:,$)", link));
        var inline = string.Concat(Regex.Matches(page, "<(style|script)>(?<body>.*?)</\\1>", RegexOptions.Singleline).Select(m => m.Groups["body"].Value));
        Assert.DoesNotContain("://", inline);
        Assert.DoesNotContain("@import", inline);
        Assert.DoesNotContain("url(", inline);
    }
}
