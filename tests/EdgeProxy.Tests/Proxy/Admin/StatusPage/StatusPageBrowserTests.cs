using System.Net.Http.Json;
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
        // (The page's own script and style files aside.)
        var requests = relay.Requests.Where(r => r.StartsWith("GET /status ", StringComparison.Ordinal)).ToList();
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
        Assert.Contains(origin + "/status.js", urls);
        Assert.Contains(origin + "/status.css", urls);
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

    [RequiresCommandFact(HeadlessChromium.Command)]
    public async Task A_click_on_drain_asks_for_the_token_drains_the_destination_the_row_shows_it_and_traffic_moves()
    {
        const string token = "page-token-0123456789abcdef";
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var config = TestConfig.SingleCluster(one.Address, two.Address);
        config["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "RoundRobin";
        config["EdgeProxy"]!["Admin"]!["Token"] = token;
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        await using var relay = await AdminRelay.StartAsync(proxy.Admin);
        await using var browser = await ChromiumDevTools.StartAsync(new Uri(relay.BaseUri, "/status"));
        const string row = "document.querySelector('tr[data-destination=\"main/d0\"] td[data-p*=statusText]')";
        const string drain = "button[data-set=drain][data-cluster=main][data-name=d0]";
        Assert.True(await browser.WaitForAsync($"document.readyState==='complete'&&!!{row}&&document.body.getAttribute('data-shape')!==null", TimeSpan.FromSeconds(30)), "the page never loaded");
        Assert.Equal("UP", (string?)await browser.EvaluateAsync(row + ".textContent"));

        // The prompt dismissed: nothing changes.
        browser.PromptAnswer = null;
        await browser.ClickAsync(drain);
        Assert.True(await browser.WaitForAsync("document.getElementById('destination-answer').textContent.indexOf('not changed')>=0", TimeSpan.FromSeconds(15)), "no answer shown");
        Assert.Equal("ready", await StateAsync(proxy, "d0"));

        // The token given: drained, the row says so, and traffic goes to the other destination only.
        browser.PromptAnswer = token;
        await browser.ClickAsync(drain);
        Assert.True(await browser.WaitForAsync(row + ".textContent.indexOf('DRAIN')===0", TimeSpan.FromSeconds(15)),
            "the row never showed DRAIN: " + await browser.EvaluateAsync(row + ".textContent") + " / " + await browser.EvaluateAsync("document.getElementById('destination-answer').textContent"));
        Assert.Equal("DRAIN", (string?)await browser.EvaluateAsync(row + ".getAttribute('data-level')"));
        Assert.Equal(2, browser.Prompts.Count);
        Assert.Contains("main/d0", browser.Prompts.Last());
        Assert.Contains("POST /destinations/main/d0/drain", relay.Authorized);
        Assert.Equal("drain", await StateAsync(proxy, "d0"));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("200 backend=two path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
        }

        // The token is kept for the tab: "ready" asks nothing more, and d0 takes traffic again.
        await browser.ClickAsync("button[data-set=ready][data-cluster=main][data-name=d0]");
        Assert.True(await browser.WaitForAsync(row + ".textContent==='UP'", TimeSpan.FromSeconds(15)), "the row never showed UP again");
        Assert.Equal(2, browser.Prompts.Count);
        var answers = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await proxy.GetTextAsync(proxy.Http, "/p"));
        }

        Assert.Equal(["200 backend=one path=/p", "200 backend=two path=/p"], answers.Order());
    }

    private static async Task<string?> StateAsync(ProxyUnderTest proxy, string destination)
    {
        var list = await proxy.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/destinations");
        return (string?)list!["clusters"]![0]!["destinations"]!.AsArray().Single(d => (string?)d!["id"] == destination)!["state"];
    }
}
