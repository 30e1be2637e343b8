using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Cloudflare;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Tests.Proxy.Cloudflare;

/// <summary>The refresher against a fake Cloudflare on loopback: what it accepts, what it refuses, and that it keeps the last good list.</summary>
public sealed class CloudflareRangeRefresherTests : IAsyncLifetime
{
    private static readonly string[] V4 = ["198.51.100.0/24", "203.0.113.0/24", "127.0.0.3/32", "192.0.2.0/25", "192.0.2.128/25"];
    private static readonly string[] V6 = ["2001:db8::/48", "2001:db8:1::/48", "2001:db8:2::/48", "2001:db8:3::/48", "2001:db8:4::/48"];

    private FakeCloudflare _cloudflare = null!;

    public async Task InitializeAsync() => _cloudflare = await FakeCloudflare.StartAsync();

    public async Task DisposeAsync() => await _cloudflare.DisposeAsync();

    internal static JsonObject Config(params string[] sources)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["ClientIp"]!["TrustCloudflare"] = true;
        config["EdgeProxy"]!["Cloudflare"] = new JsonObject
        {
            ["Sources"] = new JsonArray([.. sources.Select(s => JsonValue.Create(s))]),
            ["Timeout"] = "00:00:03", // generous for a loaded CI machine; the timeout case answers after 10 s
            // These tests serve loopback and documentation ranges (a peer on 127.0.0.3 must be trusted), which the default
            // ForbiddenRanges refuse; the forbidden-range rule has tests of its own with public ranges.
            ["ForbiddenRanges"] = new JsonArray("10.0.0.0/8", "fc00::/7"),
        };
        return config;
    }

    private JsonObject DefaultConfig() => Config(_cloudflare.Url("/ips-v4"), _cloudflare.Url("/ips-v6"));

    private void AnswerGoodLists()
    {
        _cloudflare.AnswerList("/ips-v4", V4);
        _cloudflare.AnswerList("/ips-v6", V6);
    }

    /// <summary>Starts the proxy and waits for the refresher's first fetch (which runs right after start) to finish.</summary>
    private static async Task<(ProxyUnderTest Proxy, CloudflareRangeRefresher Refresher)> StartAsync(JsonObject config, Action<IServiceCollection>? services = null)
    {
        var proxy = await ProxyUnderTest.StartAsync(config, services);
        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(refresher.State.LastSuccessAt is not null || refresher.State.LastErrorAt is not null), TimeSpan.FromSeconds(10)));
        return (proxy, refresher);
    }

    private static async Task<JsonObject> Trust(ProxyUnderTest proxy, string ip) => await proxy.GetAdminJsonAsync($"/trust?ip={ip}");

    [Fact]
    public async Task The_first_fetch_runs_right_after_start_and_its_ranges_are_trusted()
    {
        AnswerGoodLists();
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;

        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
        Assert.Equal(10, refresher.Current.Ranges.Count);
        var trust = await Trust(proxy, "127.0.0.3");
        Assert.True((bool)trust["trusted"]!);
        Assert.Equal("cloudflare", (string?)trust["rule"]);
        Assert.Equal("127.0.0.3/32", (string?)trust["network"]);
        Assert.Equal("live", (string?)trust["source"]);
        // A range of the shipped snapshot is no longer trusted once the live list replaced it.
        Assert.False((bool)(await Trust(proxy, "104.16.0.1"))["trusted"]!);

        var status = (await proxy.GetStatusAsync())["cloudflare"]!;
        Assert.Equal("live", (string?)status["origin"]);
        Assert.Equal(10, (int)status["count"]!);
        Assert.NotNull(status["lastSuccessAt"]);
    }

    [Fact]
    public async Task A_peer_in_the_fetched_ranges_may_state_the_client_ip()
    {
        AnswerGoodLists();
        await using var backend = await TestBackend.StartAsync("app");
        var config = DefaultConfig();
        config["ReverseProxy"] = TestConfig.ReverseProxy(backend.Address);
        var (proxy, _) = await StartAsync(config);
        await using var __ = proxy;
        using var client = proxy.HttpFrom(IPAddress.Parse("127.0.0.3"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("CF-Connecting-IP", "203.0.113.50");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        Assert.Equal("203.0.113.50", backend.LastHeaders!["X-Forwarded-For"].ToString());
    }

    public static TheoryData<string, string, string> BadAnswers => new()
    {
        { "html-200", RangeRejection.ContentType, "content type 'text/html'" },
        { "html-as-text", RangeRejection.Parse, "does not start with an IP address" },
        { "empty-200", RangeRejection.Empty, "the list is empty" },
        { "500", RangeRejection.HttpStatus, "HTTP 500" },
        { "timeout", RangeRejection.Timeout, "no complete answer within" },
        { "wrong-family", RangeRejection.Family, "is IPv6 where IPv4 was expected" },
        { "missing-prefix", RangeRejection.Parse, "no prefix length" },
        { "not-found", RangeRejection.HttpStatus, "HTTP 404" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task A_bad_answer_keeps_the_current_list_and_says_why(string answer, string reason, string message)
    {
        AnswerGoodLists();
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;
        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);

        switch (answer)
        {
            case "html-200": _cloudflare.AnswerText("/ips-v4", "<html><body>Attention Required!</body></html>", "text/html"); break;
            case "html-as-text": _cloudflare.AnswerText("/ips-v4", "<html><body>Attention Required!</body></html>"); break;
            case "empty-200": _cloudflare.AnswerText("/ips-v4", ""); break;
            case "500": _cloudflare.AnswerStatus("/ips-v4", 500); break;
            case "timeout": _cloudflare.AnswerSlowly("/ips-v4", TimeSpan.FromSeconds(10)); break;
            case "wrong-family": _cloudflare.AnswerList("/ips-v4", [.. V4, "2606:4700::/32"]); break;
            case "missing-prefix": _cloudflare.AnswerList("/ips-v4", [.. V4, "198.18.0.1"]); break;
            case "not-found": _cloudflare.AnswerStatus("/ips-v6", 404); break;
        }

        Assert.False(await refresher.RefreshAsync(CancellationToken.None));

        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
        Assert.Equal(10, refresher.Current.Ranges.Count);
        Assert.True((bool)(await Trust(proxy, "127.0.0.3"))["trusted"]!);
        var status = (await proxy.GetStatusAsync())["cloudflare"]!;
        Assert.Equal(reason, (string?)status["lastError"]!["reason"]);
        Assert.Contains(message, (string?)status["lastError"]!["message"]);
        Assert.Equal(1, (int)status["consecutiveFailures"]!);
        Assert.Equal(1, await proxy.MetricAsync($"edgeproxy_cloudflare_refresh_failures_total{{reason=\"{reason}\"}}"));
        Assert.Equal(10, await proxy.MetricAsync("edgeproxy_cloudflare_ranges"));
    }

    [Fact]
    public async Task A_drastic_shrink_of_the_live_list_is_refused()
    {
        AnswerGoodLists();
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;

        _cloudflare.AnswerList("/ips-v4", "198.51.100.0/24");
        _cloudflare.AnswerList("/ips-v6", "2001:db8::/48");
        Assert.False(await refresher.RefreshAsync(CancellationToken.None));
        Assert.Equal(RangeRejection.Shrink, refresher.State.LastError!.Reason);
        Assert.Equal(10, refresher.Current.Ranges.Count);

        // A smaller list within the limit (50 % by default) is a normal change.
        _cloudflare.AnswerList("/ips-v4", V4[..3]);
        _cloudflare.AnswerList("/ips-v6", V6[..3]);
        Assert.True(await refresher.RefreshAsync(CancellationToken.None));
        Assert.Equal(6, refresher.Current.Ranges.Count);
    }

    [Fact]
    public async Task The_shipped_snapshot_does_not_count_as_current_for_the_shrink_rule()
    {
        _cloudflare.AnswerList("/ips-v4", "127.0.0.3/32");
        _cloudflare.AnswerList("/ips-v6", "2001:db8::/48");
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;

        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
        Assert.Equal(2, refresher.Current.Ranges.Count); // 22 in the snapshot
    }

    [Fact]
    public async Task Conditional_get_sends_the_etag_and_a_304_confirms_the_list()
    {
        _cloudflare.AnswerText("/ips-v4", string.Join("\n", V4), etag: "\"v4-1\"");
        _cloudflare.AnswerText("/ips-v6", string.Join("\n", V6), etag: "\"v6-1\"");
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;
        var firstSuccess = refresher.State.LastSuccessAt;

        Assert.True(await refresher.RefreshAsync(CancellationToken.None));

        Assert.Contains(_cloudflare.Requests, r => r.Path == "/ips-v4" && r.IfNoneMatch == "\"v4-1\"");
        Assert.Contains(_cloudflare.Requests, r => r.Path == "/ips-v6" && r.IfNoneMatch == "\"v6-1\"");
        Assert.Equal(10, refresher.Current.Ranges.Count);
        Assert.True(refresher.State.LastSuccessAt > firstSuccess);
        Assert.Equal("\"v4-1\"", (string?)(await proxy.GetStatusAsync())["cloudflare"]!["sources"]![0]!["etag"]);
    }

    [Fact]
    public async Task Redirects_are_followed()
    {
        _cloudflare.Redirect("/ips-v4", "/ips-v4/");
        _cloudflare.AnswerList("/ips-v4/", V4);
        _cloudflare.AnswerList("/ips-v6", V6);
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;

        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
        Assert.Equal(10, refresher.Current.Ranges.Count);
    }

    [Fact]
    public async Task The_json_api_is_a_supported_source()
    {
        _cloudflare.AnswerText("/client/v4/ips",
            """{"result":{"ipv4_cidrs":["127.0.0.3/32","198.51.100.0/24"],"ipv6_cidrs":["2001:db8::/48"],"etag":"abc123"},"success":true,"errors":[],"messages":[]}""",
            "application/json");
        var (proxy, refresher) = await StartAsync(Config(_cloudflare.Url("/client/v4/ips")));
        await using var _ = proxy;

        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
        Assert.Equal(3, refresher.Current.Ranges.Count);
        Assert.Equal("abc123", (string?)(await proxy.GetStatusAsync())["cloudflare"]!["sources"]![0]!["apiEtag"]);

        _cloudflare.AnswerText("/client/v4/ips", """{"result":null,"success":false,"errors":[{"code":10000}]}""", "application/json");
        Assert.False(await refresher.RefreshAsync(CancellationToken.None));
        Assert.Equal(RangeRejection.Parse, refresher.State.LastError!.Reason);

        _cloudflare.AnswerText("/client/v4/ips", """{"result":{"ipv4_cidrs":["2001:db8::/48"],"ipv6_cidrs":[]},"success":true}""", "application/json");
        Assert.False(await refresher.RefreshAsync(CancellationToken.None));
        Assert.Equal(RangeRejection.Family, refresher.State.LastError!.Reason);
        Assert.Equal(3, refresher.Current.Ranges.Count);
    }

    [Fact]
    public async Task With_no_cache_and_no_source_the_shipped_snapshot_is_trusted()
    {
        var (proxy, refresher) = await StartAsync(Config("http://127.0.0.1:9/ips-v4"));
        await using var _ = proxy;

        Assert.Equal(RangeOrigin.Snapshot, refresher.Current.Origin);
        Assert.Equal(RangeRejection.Network, refresher.State.LastError!.Reason);
        var trust = await Trust(proxy, "::ffff:104.16.0.1");
        Assert.True((bool)trust["trusted"]!);
        Assert.Equal("104.16.0.0/13", (string?)trust["network"]);
        Assert.Equal("snapshot", (string?)trust["source"]);
    }
}
