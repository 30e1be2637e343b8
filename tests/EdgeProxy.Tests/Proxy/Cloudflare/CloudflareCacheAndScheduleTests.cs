using System.Text.Json.Nodes;
using EdgeProxy.Cloudflare;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.Cloudflare;

/// <summary>The cache file across restarts, the refresh schedule (on a fake clock) and readiness by age.</summary>
public sealed class CloudflareCacheAndScheduleTests : IAsyncLifetime
{
    private FakeCloudflare _cloudflare = null!;

    public async Task InitializeAsync() => _cloudflare = await FakeCloudflare.StartAsync();

    public async Task DisposeAsync() => await _cloudflare.DisposeAsync();

    private static async Task<ProxyUnderTest> StartInAsync(TempDirectory directory, JsonObject config)
    {
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return await ProxyUnderTest.StartAsync(directory, path);
    }

    /// <summary>Waits until the refresher has made <paramref name="attempts"/> failed attempts (or one success) and scheduled the next one.</summary>
    private static Task<bool> SettledAsync(CloudflareRangeRefresher refresher, int attempts = 1, TimeProvider? clock = null) =>
        Eventually.HoldsAsync(() => Task.FromResult(
            refresher.State.NextAttemptAt > (clock ?? TimeProvider.System).GetUtcNow() &&
            (refresher.State.ConsecutiveFailures >= attempts || refresher.State.LastSuccessAt is not null)), TimeSpan.FromSeconds(20));

    /// <summary>
    /// A further failure is counted and the next attempt scheduled: its timer exists (so advancing the clock fires it)
    /// and everything the failed attempt logs is written, since both come after the failure count.
    /// </summary>
    private static Task<bool> FailedAndRescheduledAsync(CloudflareRangeRefresher refresher, int failuresBefore, TimeProvider clock) =>
        Eventually.HoldsAsync(() => Task.FromResult(
            refresher.State.ConsecutiveFailures > failuresBefore && refresher.State.NextAttemptAt > clock.GetUtcNow()), TimeSpan.FromSeconds(20));

    [Fact]
    public async Task A_restart_with_the_sources_down_serves_the_cached_list_from_the_first_request()
    {
        using var directory = new TempDirectory();
        _cloudflare.AnswerList("/ips-v4", "127.0.0.3/32", "198.51.100.0/24");
        _cloudflare.AnswerList("/ips-v6", "2001:db8::/48");
        var config = CloudflareRangeRefresherTests.Config(_cloudflare.Url("/ips-v4"), _cloudflare.Url("/ips-v6"));

        await using (var first = await StartInAsync(directory, config))
        {
            var refresher = first.Services.GetRequiredService<CloudflareRangeRefresher>();
            Assert.True(await SettledAsync(refresher));
            Assert.Equal(RangeOrigin.Live, refresher.Current.Origin);
            Assert.True(File.Exists(Path.Combine(first.DataPath, "cloudflare-ranges.json")));
        }

        _cloudflare.AnswerStatus("/ips-v4", 503);
        await using var second = await StartInAsync(directory, config);
        // Asked before the refresher has even tried: the cache was read at start.
        var trust = await second.GetAdminJsonAsync("/trust?ip=127.0.0.3");
        Assert.True((bool)trust["trusted"]!);
        Assert.Equal("cache", (string?)trust["source"]);

        var restarted = second.Services.GetRequiredService<CloudflareRangeRefresher>();
        Assert.True(await SettledAsync(restarted));
        Assert.Equal(RangeRejection.HttpStatus, restarted.State.LastError!.Reason);
        Assert.Equal(RangeOrigin.Cache, restarted.Current.Origin);
        Assert.Equal(3, restarted.Current.Ranges.Count);
        Assert.StartsWith("200", await second.GetAdminTextAsync("/readyz"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"confirmedAt":"2026-01-01T00:00:00Z","sources":[]}""")]
    [InlineData("""{"confirmedAt":"2026-01-01T00:00:00Z","sources":[{"url":"x","ranges":["1.2.3.4"]}]}""")]
    public async Task A_damaged_cache_file_is_ignored_for_the_snapshot(string content)
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.File("data"));
        await File.WriteAllTextAsync(directory.File("data/cloudflare-ranges.json"), content);
        await using var proxy = await StartInAsync(directory, CloudflareRangeRefresherTests.Config("http://127.0.0.1:9/ips-v4"));

        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();
        Assert.Equal(RangeOrigin.Snapshot, refresher.Current.Origin);
        Assert.Equal(CloudflareSnapshot.Ranges.Length, refresher.Current.Ranges.Count);
        Assert.NotNull((string?)(await proxy.GetStatusAsync())["cloudflare"]!["cacheProblem"]);
    }

    [Fact]
    public async Task Failures_back_off_exponentially_and_success_returns_to_the_interval()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _cloudflare.AnswerStatus("/ips-v4", 500);
        var config = CloudflareRangeRefresherTests.Config(_cloudflare.Url("/ips-v4"));
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<TimeProvider>(clock));
        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();

        // Retries after 1, 2, 4 and 8 minutes (EdgeProxy:Cloudflare:MinRetryInterval doubling).
        for (var failures = 1; failures <= 4; failures++)
        {
            Assert.True(await SettledAsync(refresher, failures, clock));
            var delay = refresher.State.NextAttemptAt!.Value - clock.GetUtcNow();
            Assert.Equal(TimeSpan.FromMinutes(Math.Pow(2, failures - 1)), delay);
            if (failures == 4)
            {
                _cloudflare.AnswerList("/ips-v4", "127.0.0.3/32"); // before the clock reaches the next attempt
            }

            clock.Advance(delay);
        }

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(refresher.State.LastSuccessAt is not null && refresher.State.ConsecutiveFailures == 0), TimeSpan.FromSeconds(10)));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(refresher.State.NextAttemptAt > clock.GetUtcNow() + TimeSpan.FromHours(10)), TimeSpan.FromSeconds(10)));
        var interval = refresher.State.NextAttemptAt!.Value - clock.GetUtcNow();
        Assert.InRange(interval, TimeSpan.FromHours(12 * 0.9), TimeSpan.FromHours(12 * 1.1)); // 12 h with ±10 % jitter
    }

    [Fact]
    public async Task An_old_list_is_a_warning_and_not_unreadiness()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CollectingLoggerProvider();
        _cloudflare.AnswerList("/ips-v4", "127.0.0.3/32");
        await using var proxy = await ProxyUnderTest.StartAsync(CloudflareRangeRefresherTests.Config(_cloudflare.Url("/ips-v4")),
            services => services.AddSingleton<TimeProvider>(clock).AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();
        Assert.True(await SettledAsync(refresher, clock: clock));

        // Every refresh from now on fails; the list stays and only its age grows past MaxAge (7 days).
        _cloudflare.AnswerStatus("/ips-v4", 500);
        clock.Advance(TimeSpan.FromDays(6));
        Assert.True(await FailedAndRescheduledAsync(refresher, 0, clock));
        Assert.False((bool)(await proxy.GetStatusAsync())["cloudflare"]!["stale"]!);

        var failures = refresher.State.ConsecutiveFailures;
        clock.Advance(TimeSpan.FromDays(1.5));
        Assert.True(await FailedAndRescheduledAsync(refresher, failures, clock));
        var ready = await proxy.GetAdminTextAsync("/readyz");
        Assert.StartsWith("200", ready);
        Assert.Contains("cloudflare-ranges: Degraded", ready);
        Assert.True((bool)(await proxy.GetStatusAsync())["cloudflare"]!["stale"]!);
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_cloudflare_ranges_stale"));
        Assert.Single(logs.Lines, l => l.Contains("days old, beyond EdgeProxy:Cloudflare:MaxAge", StringComparison.Ordinal));
        Assert.True((bool)(await proxy.GetAdminJsonAsync("/trust?ip=127.0.0.3"))["trusted"]!);
    }

    [Fact]
    public async Task Readiness_fails_on_age_only_when_asked_to()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _cloudflare.AnswerList("/ips-v4", "127.0.0.3/32");
        var config = CloudflareRangeRefresherTests.Config(_cloudflare.Url("/ips-v4"));
        config["EdgeProxy"]!["Cloudflare"]!["FailReadinessWhenOlderThan"] = "3.00:00:00";
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<TimeProvider>(clock));
        var refresher = proxy.Services.GetRequiredService<CloudflareRangeRefresher>();
        Assert.True(await SettledAsync(refresher, clock: clock));

        _cloudflare.AnswerStatus("/ips-v4", 500);
        clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(refresher.State.ConsecutiveFailures >= 1), TimeSpan.FromSeconds(10)));
        Assert.StartsWith("200", await proxy.GetAdminTextAsync("/readyz"));

        clock.Advance(TimeSpan.FromDays(1.5));
        var ready = await proxy.GetAdminTextAsync("/readyz");
        Assert.StartsWith("503", ready);
        Assert.Contains("cloudflare-ranges: Unhealthy", ready);
        Assert.Contains("FailReadinessWhenOlderThan", ready);
    }
}
