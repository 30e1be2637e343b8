using System.Text.Json.Nodes;
using EdgeProxy.Cloudflare;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Proxy.Cloudflare;

/// <summary>
/// A range source that answers a poisoned list (too wide, special-purpose ranges, far too many addresses), and a cache
/// file holding one: refused, the live list kept, the reason in the log, the metrics and <c>/status</c>.
/// </summary>
public sealed class CloudflarePoisonedSourceTests : IAsyncLifetime
{
    // Cloudflare's public ranges as shipped: they pass every rule with the default ForbiddenRanges (22 ranges).
    private static readonly string[] V4 = [.. CloudflareSnapshot.Ranges.Where(r => !r.Contains(':'))];
    private static readonly string[] V6 = [.. CloudflareSnapshot.Ranges.Where(r => r.Contains(':'))];
    private const string InGoodList = "104.16.0.1";

    private readonly CollectingLoggerProvider _logs = new();
    private FakeCloudflare _cloudflare = null!;

    public async Task InitializeAsync() => _cloudflare = await FakeCloudflare.StartAsync();

    public async Task DisposeAsync() => await _cloudflare.DisposeAsync();

    /// <summary>The fake sources with the default ForbiddenRanges (the shared test configuration replaces them).</summary>
    private static JsonObject Config(params string[] sources)
    {
        var config = CloudflareRangeRefresherTests.Config(sources);
        config["EdgeProxy"]!["Cloudflare"]!.AsObject().Remove("ForbiddenRanges");
        return config;
    }

    private JsonObject DefaultConfig() => Config(_cloudflare.Url("/ips-v4"), _cloudflare.Url("/ips-v6"));

    private void Answer(string[] v4, string[] v6)
    {
        _cloudflare.AnswerList("/ips-v4", v4);
        _cloudflare.AnswerList("/ips-v6", v6);
    }

    /// <summary>Starts with logs collected and waits for the first fetch (right after start) to finish.</summary>
    private async Task<(ProxyUnderTest Proxy, CloudflareRangeRefresher Refresher)> StartAsync(JsonObject config)
    {
        var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<ILoggerProvider>(_logs));
        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(refresher.State.LastSuccessAt is not null || refresher.State.LastErrorAt is not null), TimeSpan.FromSeconds(10)));
        return (proxy, refresher);
    }

    /// <summary>Starts on the good lists, so that the live list came from the sources (22 ranges).</summary>
    private async Task<(ProxyUnderTest Proxy, CloudflareRangeRefresher Refresher)> StartLiveAsync(JsonObject? config = null)
    {
        Answer(V4, V6);
        var started = await StartAsync(config ?? DefaultConfig());
        Assert.Equal(RangeOrigin.Live, started.Refresher.Current.Origin);
        return started;
    }

    private static async Task<bool> TrustedAsync(ProxyUnderTest proxy, string ip) => (bool)(await proxy.GetAdminJsonAsync($"/trust?ip={ip}"))["trusted"]!;

    /// <summary>
    /// One refresh is refused for <paramref name="reason"/>; the live list is the one from before, <paramref name="ip"/>
    /// (inside the poisoned part) is still not trusted, and the reason is in the log, the metrics and <c>/status</c>.
    /// </summary>
    private async Task AssertRefusedAsync(ProxyUnderTest proxy, CloudflareRangeRefresher refresher, string reason, string message, string ip)
    {
        var before = refresher.Current;

        Assert.False(await refresher.RefreshAsync(CancellationToken.None));

        Assert.Same(before, refresher.Current);
        Assert.False(await TrustedAsync(proxy, ip));
        Assert.True(await TrustedAsync(proxy, InGoodList));
        var status = (await proxy.GetStatusAsync())["cloudflare"]!;
        Assert.Equal(reason, (string?)status["lastError"]!["reason"]);
        Assert.Contains(message, (string?)status["lastError"]!["message"]);
        Assert.Equal(before.Ranges.Count, (int)status["count"]!);
        Assert.Equal(1, await proxy.MetricAsync($"edgeproxy_cloudflare_refresh_failures_total{{reason=\"{reason}\"}}"));
        Assert.Contains(_logs.Lines, l => l.Contains($"Cloudflare range refresh rejected ({reason}): ", StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "8.8.8.8")]
    [InlineData("8.0.0.0/7", "8.8.8.8")]
    public async Task A_source_serving_an_IPv4_prefix_shorter_than_8_is_refused(string poison, string ip)
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        Answer([.. V4, poison], V6);

        await AssertRefusedAsync(proxy, refresher, RangeRejection.PrefixTooShort, $"/ips-v4: '{poison}' is a /", ip);
    }

    [Theory]
    [InlineData("::/0", "2a00:1450::1")]
    [InlineData("2400::/15", "2401::1")]
    public async Task A_source_serving_an_IPv6_prefix_shorter_than_16_is_refused(string poison, string ip)
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        Answer(V4, [.. V6, poison]);

        await AssertRefusedAsync(proxy, refresher, RangeRejection.PrefixTooShort, $"/ips-v6: '{poison}' is a /", ip);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.1.2.3")]
    [InlineData("192.168.1.0/24", "192.168.1.1")]
    [InlineData("127.0.0.0/8", "127.0.0.2")]
    public async Task A_private_IPv4_range_inside_a_good_list_is_refused(string poison, string ip)
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        Answer([.. V4, poison], V6);

        await AssertRefusedAsync(proxy, refresher, RangeRejection.ForbiddenRange, $"'{poison}' overlaps the forbidden range", ip);
    }

    // fc00::/7 itself is a /7, which the prefix rule refuses first; these are long enough to reach the forbidden-range rule.
    [Theory]
    [InlineData("fd12:3456::/32", "fd12:3456::1")]
    [InlineData("2001:db8::/32", "2001:db8::1")]
    [InlineData("fe80::/64", "fe80::1")]
    public async Task A_special_purpose_IPv6_range_inside_a_good_list_is_refused(string poison, string ip)
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        Answer(V4, [.. V6, poison]);

        await AssertRefusedAsync(proxy, refresher, RangeRejection.ForbiddenRange, $"'{poison}' overlaps the forbidden range", ip);
    }

    [Fact]
    public async Task IPv4_growth_beyond_MaxGrowthPercent_is_refused()
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        // 1,524,736 IPv4 addresses plus a public /11 (2,097,152): +138 %, over the default 100 %. Prefix and ranges pass.
        Answer([.. V4, "45.0.0.0/11"], V6);

        await AssertRefusedAsync(proxy, refresher, RangeRejection.Growth, "the IPv4 address count would grow by 138%, from 1524736 (the live list's) to 3621888", "45.0.0.1");
    }

    [Fact]
    public async Task IPv6_growth_beyond_MaxGrowthPercent_is_refused()
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        // 14 x 2^96 addresses plus a /28 (16 x 2^96): +115 %.
        Answer(V4, [.. V6, "2a07::/28"]);

        await AssertRefusedAsync(proxy, refresher, RangeRejection.Growth, "the IPv6 address count would grow by 115%", "2a07::1");
    }

    [Fact]
    public async Task Growth_within_MaxGrowthPercent_is_accepted()
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;

        // Plus a /12 (1,048,576): +69 %, and a /29 of IPv6 (+57 %).
        Answer([.. V4, "45.0.0.0/12"], [.. V6, "2a07::/29"]);

        Assert.True(await refresher.RefreshAsync(CancellationToken.None));
        Assert.Equal(24, refresher.Current.Ranges.Count);
        Assert.True(await TrustedAsync(proxy, "45.0.0.1"));
        Assert.True(await TrustedAsync(proxy, "2a07::1"));
    }

    [Fact]
    public async Task Growth_is_also_held_to_the_snapshot_so_a_poisoned_source_cannot_ratchet_step_by_step()
    {
        var (proxy, refresher) = await StartLiveAsync();
        await using var _ = proxy;
        Answer([.. V4, "45.0.0.0/12"], V6); // +69 % over the snapshot: accepted
        Assert.True(await refresher.RefreshAsync(CancellationToken.None));

        Answer([.. V4, "45.0.0.0/12", "45.16.0.0/12"], V6); // +41 % over the live list, +137 % over the snapshot

        await AssertRefusedAsync(proxy, refresher, RangeRejection.Growth, "(the shipped snapshot's)", "45.16.0.1");
    }

    [Fact]
    public async Task MaxGrowthPercent_sets_the_limit()
    {
        var config = DefaultConfig();
        config["EdgeProxy"]!["Cloudflare"]!["MaxGrowthPercent"] = 50;
        var (proxy, refresher) = await StartLiveAsync(config);
        await using var _ = proxy;

        Answer([.. V4, "45.0.0.0/12"], V6); // +69 %: accepted by default, not with 50 %

        await AssertRefusedAsync(proxy, refresher, RangeRejection.Growth, "more than 50% (EdgeProxy:Cloudflare:MaxGrowthPercent)", "45.0.0.1");
    }

    [Fact]
    public async Task The_shipped_snapshot_counts_as_live_for_the_growth_rule()
    {
        Answer([.. V4, "45.0.0.0/11"], V6);
        var (proxy, refresher) = await StartAsync(DefaultConfig());
        await using var _ = proxy;

        Assert.Equal(RangeOrigin.Snapshot, refresher.Current.Origin);
        Assert.Equal(RangeRejection.Growth, refresher.State.LastError?.Reason);
        Assert.False(await TrustedAsync(proxy, "45.0.0.1"));
        Assert.True(await TrustedAsync(proxy, InGoodList));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_cloudflare_refresh_failures_total{reason=\"growth\"}"));
    }

    [Fact]
    public async Task A_family_the_live_list_lacks_is_held_to_the_size_of_the_snapshots()
    {
        // One source for both families, answering only IPv4 at first: the live list has no IPv6 at all.
        _cloudflare.AnswerList("/ips", V4);
        var (proxy, refresher) = await StartAsync(Config(_cloudflare.Url("/ips")));
        await using var _ = proxy;
        Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
        Assert.Equal(V4.Length, refresher.Current.Ranges.Count);

        // A /24 of IPv6 is 256 x 2^96 addresses; the snapshot has 14 x 2^96.
        _cloudflare.AnswerList("/ips", [.. V4, "2a07::/24"]);
        await AssertRefusedAsync(proxy, refresher, RangeRejection.Growth, "the live list has no IPv6 ranges, so the shipped snapshot's", "2a07::1");

        // Cloudflare's own IPv6 ranges are the snapshot's size: accepted.
        _cloudflare.AnswerList("/ips", [.. V4, .. V6]);
        Assert.True(await refresher.RefreshAsync(CancellationToken.None));
        Assert.Equal(22, refresher.Current.Ranges.Count);
    }

    [Fact]
    public async Task Configured_ForbiddenRanges_replace_the_default()
    {
        var config = DefaultConfig();
        config["EdgeProxy"]!["Cloudflare"]!["ForbiddenRanges"] = new JsonArray("45.0.0.0/8");
        var (proxy, refresher) = await StartLiveAsync(config);
        await using var _ = proxy;

        // 192.168.0.0/16 is forbidden by default only.
        Answer([.. V4, "192.168.1.0/24"], V6);
        Assert.True(await refresher.RefreshAsync(CancellationToken.None));
        Assert.True(await TrustedAsync(proxy, "192.168.1.1"));

        Answer([.. V4, "45.1.0.0/16"], V6);
        await AssertRefusedAsync(proxy, refresher, RangeRejection.ForbiddenRange, "'45.1.0.0/16' overlaps the forbidden range 45.0.0.0/8", "45.1.0.1");
    }

    [Theory]
    [InlineData("0.0.0.0/0", RangeRejection.PrefixTooShort, "8.8.8.8")]
    [InlineData("10.0.0.0/8", RangeRejection.ForbiddenRange, "10.1.2.3")]
    [InlineData("2001:db8::/32", RangeRejection.ForbiddenRange, "2001:db8::1")]
    [InlineData("45.0.0.0/16", null, "45.0.0.1")] // the control: the same file with a clean list is used
    public async Task A_poisoned_cache_file_is_refused_at_start_for_the_snapshot(string entry, string? reason, string ip)
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.File("data"));
        await File.WriteAllTextAsync(directory.File("data/cloudflare-ranges.json"),
            $$"""{"confirmedAt":"2026-01-01T00:00:00Z","sources":[{"url":"https://www.cloudflare.com/ips-v4","ranges":["104.16.0.0/13","{{entry}}"]}]}""");
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, Config("http://127.0.0.1:9/ips-v4").ToJsonString());

        // Asked before the first fetch (which fails: nothing listens on port 9) could change anything.
        await using var proxy = await ProxyUnderTest.StartAsync(directory, path);
        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();
        var status = (await proxy.GetStatusAsync())["cloudflare"]!;

        if (reason is null)
        {
            Assert.Equal(RangeOrigin.Cache, refresher.Current.Origin);
            Assert.True(await TrustedAsync(proxy, ip));
            Assert.Null((string?)status["cacheProblem"]);
            return;
        }

        Assert.Equal(RangeOrigin.Snapshot, refresher.Current.Origin);
        Assert.Equal(CloudflareSnapshot.Ranges.Length, refresher.Current.Ranges.Count);
        Assert.False(await TrustedAsync(proxy, ip));
        Assert.True(await TrustedAsync(proxy, InGoodList));
        Assert.Contains($"refused ({reason}): '{entry}'", (string?)status["cacheProblem"]);
    }
}
