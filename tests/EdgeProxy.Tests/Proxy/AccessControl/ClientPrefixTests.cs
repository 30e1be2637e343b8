using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.AccessControl;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>
/// The brute-force lockout and the rate limits count an IPv6 client by its /64 (one end site can hop between all of its
/// addresses) and an IPv4 client by its address; <c>EdgeProxy:AccessControl</c> sets both prefixes at start.
/// </summary>
public sealed class ClientPrefixTests
{
    private static UInt128 Key(ClientKey keys, string ip) => keys.From(IPAddress.Parse(ip));

    private static string SameSlash64(int i) => $"2001:db8:1:1::{i:x}";

    private static JsonObject WithPrefixes(JsonObject config, int? ipv6, int? ipv4)
    {
        var section = new JsonObject();
        if (ipv6 is { } v6)
        {
            section["IPv6Prefix"] = v6;
        }

        if (ipv4 is { } v4)
        {
            section["IPv4Prefix"] = v4;
        }

        config["EdgeProxy"]!["AccessControl"] = section;
        return config;
    }

    [Fact]
    public void By_default_a_client_is_its_ipv6_slash_64_or_its_ipv4_address()
    {
        var keys = new ClientKey(new AccessControlOptions());
        Assert.Equal(Key(keys, "2001:db8:1:1::1"), Key(keys, "2001:db8:1:1:ffff:ffff:ffff:ffff"));
        Assert.NotEqual(Key(keys, "2001:db8:1:1::1"), Key(keys, "2001:db8:1:2::1"));
        Assert.NotEqual(Key(keys, "203.0.113.1"), Key(keys, "203.0.113.2"));
        // An IPv4-mapped IPv6 address is the IPv4 client, not part of the ::ffff:0:0/96 "network".
        Assert.Equal(Key(keys, "203.0.113.1"), Key(keys, "::ffff:203.0.113.1"));
        Assert.NotEqual(Key(keys, "::ffff:203.0.113.1"), Key(keys, "::ffff:203.0.113.2"));
        Assert.Equal(UInt128.Zero, keys.From(null));

        var configured = new ClientKey(new AccessControlOptions { IPv6Prefix = 128, IPv4Prefix = 24 });
        Assert.NotEqual(Key(configured, "2001:db8:1:1::1"), Key(configured, "2001:db8:1:1::2"));
        Assert.Equal(Key(configured, "203.0.113.1"), Key(configured, "203.0.113.254"));
        Assert.NotEqual(Key(configured, "203.0.113.1"), Key(configured, "203.0.114.1"));
    }

    [Theory]
    [InlineData(0, 32, "EdgeProxy:AccessControl:IPv6Prefix")]
    [InlineData(129, 32, "EdgeProxy:AccessControl:IPv6Prefix")]
    [InlineData(64, 0, "EdgeProxy:AccessControl:IPv4Prefix")]
    [InlineData(64, 33, "EdgeProxy:AccessControl:IPv4Prefix")]
    public async Task A_prefix_out_of_range_stops_the_start_naming_the_key(int ipv6, int ipv4, string key)
    {
        var failures = new AccessControlOptionsValidator().Validate(null, new AccessControlOptions { IPv6Prefix = ipv6, IPv4Prefix = ipv4 }).Failures;
        Assert.StartsWith(key + ":", Assert.Single(failures!), StringComparison.Ordinal);
        Assert.True(new AccessControlOptionsValidator().Validate(null, new AccessControlOptions { IPv6Prefix = 128, IPv4Prefix = 1 }).Succeeded);

        await using var backend = await TestBackend.StartAsync("b");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(WithPrefixes(Config(backend, policy: null), ipv6, ipv4)));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_from_many_addresses_of_one_slash_64_lock_out_that_slash_64_only()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartWithHtpasswdAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd", maxFailures: 10) }), ShaLine("alice", "secret"));
        using var client = proxy.HttpFrom(Trusted);

        // 11 wrong passwords, each from another address of 2001:db8:1:1::/64 (and each address a fresh IPv4 one).
        for (var i = 1; i <= 11; i++)
        {
            Assert.Equal(401, await StatusAsync(client, "/admin/x", SameSlash64(i), ("alice", "guess")));
            Assert.Equal(401, await StatusAsync(client, "/admin/x", $"203.0.113.{i}", ("alice", "guess")));
        }

        // Another address of the same /64 is the same client: locked out, even with the right password.
        Assert.Equal(429, await StatusAsync(client, "/admin/x", SameSlash64(0x12), ("alice", "secret")));
        // Another /64 is another client; IPv4 addresses each failed once: none is locked out.
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "2001:db8:1:2::1", ("alice", "secret")));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.12", ("alice", "secret")));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1", ("alice", "secret")));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(128, 24)]
    public async Task A_rate_limit_counts_a_client_by_the_configured_prefixes(int? ipv6, int? ipv4)
    {
        await using var backend = await TestBackend.StartAsync("b");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var config = WithPrefixes(Config(backend, rateLimits: new JsonObject { ["api"] = new JsonObject { ["PermitsPerSecond"] = 0.5, ["Burst"] = 2 } }, policy: null, rateLimit: "api"), ipv6, ipv4);
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<TimeProvider>(clock));
        using var client = proxy.HttpFrom(Trusted);
        var bySlash64 = ipv6 is null;

        // Three addresses of one /64: one bucket of 2 by default; three buckets when every IPv6 address counts (/128).
        Assert.Equal(200, await StatusAsync(client, "/admin/x", SameSlash64(1)));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", SameSlash64(2)));
        Assert.Equal(bySlash64 ? 429 : 200, await StatusAsync(client, "/admin/x", SameSlash64(3)));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "2001:db8:1:2::1"));

        // Three IPv4 addresses of one /24: three buckets by default; one bucket of 2 when counted by /24.
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1"));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.2"));
        Assert.Equal(bySlash64 ? 200 : 429, await StatusAsync(client, "/admin/x", "203.0.113.3"));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "198.51.100.1"));
    }
}
