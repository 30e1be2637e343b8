using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.AccessControl;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>Access policies over real sockets, judged on the restored client IP.</summary>
public sealed class AccessPolicyTests
{
    private static async Task<ProxyUnderTest> StartAsync(JsonObject config, string[]? htpasswdLines = null, FakeTimeProvider? clock = null)
    {
        // The htpasswd file must exist before start (a policy whose file cannot be read is refused), beside the config.
        var directory = new TempDirectory();
        if (htpasswdLines is not null)
        {
            await File.WriteAllTextAsync(directory.File("users.htpasswd"), string.Join('\n', htpasswdLines) + "\n");
        }

        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return await ProxyUnderTest.StartInAsync(directory, path, clock is null ? null : services => services.AddSingleton<TimeProvider>(clock));
    }

    [Fact]
    public async Task The_allow_list_is_judged_on_the_restored_client_ip_not_the_peer_or_a_forged_header()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }));
        using var trusted = proxy.HttpFrom(Trusted);
        using var untrusted = proxy.HttpFrom(Untrusted);

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5"));
        Assert.Equal(403, await StatusAsync(trusted, "/admin/x", "198.51.100.1"));
        // The peer itself (127.0.0.1) is not in the list either.
        Assert.Equal(403, await StatusAsync(trusted, "/admin/x"));
        // An untrusted peer cannot claim an allowed address.
        Assert.Equal(403, await StatusAsync(untrusted, "/admin/x", "203.0.113.5"));
        // Routes without a policy are untouched.
        Assert.Equal(200, await StatusAsync(untrusted, "/other"));
    }

    [Fact]
    public async Task Deny_wins_over_allow_and_over_a_right_password()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var policies = new JsonObject
        {
            ["p"] = Policy(allow: ["203.0.113.0/24", "2001:db8::/32"], deny: ["203.0.113.7/32", "2001:db8:bad::/48"]),
            ["q"] = Policy(deny: ["203.0.113.7/32"], htpasswd: "users.htpasswd", satisfy: "Any"),
        };
        var config = Config(backend, policies);
        config["ReverseProxy"]!["Routes"]!["q"] = new JsonObject { ["ClusterId"] = "main", ["AuthorizationPolicy"] = "q", ["Match"] = new JsonObject { ["Path"] = "/q/{**rest}" } };
        await using var proxy = await StartAsync(config, [ShaLine("alice", "secret")]);
        using var trusted = proxy.HttpFrom(Trusted);

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5"));
        Assert.Equal(403, await StatusAsync(trusted, "/admin/x", "203.0.113.7"));
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "2001:db8::1"));
        Assert.Equal(403, await StatusAsync(trusted, "/admin/x", "2001:db8:bad::1"));
        Assert.Equal(200, await StatusAsync(trusted, "/q/x", "198.51.100.1", ("alice", "secret")));
        Assert.Equal(403, await StatusAsync(trusted, "/q/x", "203.0.113.7", ("alice", "secret")));
    }

    [Fact]
    public async Task Satisfy_all_needs_the_allowed_ip_and_the_password()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"], htpasswd: "users.htpasswd") }), [ShaLine("alice", "secret")]);
        using var trusted = proxy.HttpFrom(Trusted);

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret")));
        Assert.Equal(401, await StatusAsync(trusted, "/admin/x", "203.0.113.5"));
        Assert.Equal(403, await StatusAsync(trusted, "/admin/x", "198.51.100.1", ("alice", "secret")));
    }

    [Fact]
    public async Task Satisfy_any_lets_in_the_allowed_ip_or_the_password()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"], htpasswd: "users.htpasswd", satisfy: "Any") }), [ShaLine("alice", "secret")]);
        using var trusted = proxy.HttpFrom(Trusted);

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5"));
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "198.51.100.1", ("alice", "secret")));
        Assert.Equal(401, await StatusAsync(trusted, "/admin/x", "198.51.100.1", ("alice", "wrong")));
        Assert.Equal(401, await StatusAsync(trusted, "/admin/x", "198.51.100.1"));
    }

    [Fact]
    public async Task Missing_wrong_or_unknown_credentials_get_401_with_the_realm_and_the_backend_never_sees_the_authorization_header()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd") }), [ShaLine("alice", "secret")]);
        using var trusted = proxy.HttpFrom(Trusted);

        foreach (var credentials in new (string, string)?[] { null, ("alice", "wrong"), ("mallory", "secret") })
        {
            using var refused = await GetAsync(trusted, "/admin/x", "203.0.113.5", credentials);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic realm=\"Munin\", charset=\"UTF-8\"", Assert.Single(refused.Headers.GetValues("WWW-Authenticate")));
        }

        using var allowed = await GetAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.False(backend.LastHeaders!.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task ForwardCredentials_passes_the_authorization_header_on()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd", forward: true) }), [ShaLine("alice", "secret")]);
        using var trusted = proxy.HttpFrom(Trusted);

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret")));
        Assert.StartsWith("Basic ", backend.LastHeaders!["Authorization"].ToString());
    }

    [Fact]
    public async Task Wrong_passwords_sent_all_at_once_are_checked_one_at_a_time_and_the_lockout_stops_the_rest()
    {
        // Checked in parallel, every attempt would pass the lockout before the first failure counted, and each would
        // cost a bcrypt check (tens of ms of CPU for a request of a hundred bytes).
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd", maxFailures: 2) }),
            ["alice:" + BCrypt.Net.BCrypt.HashPassword("secret", 10)]);
        using var trusted = proxy.HttpFrom(Trusted);
        var users = proxy.Services.GetRequiredService<AccessControlState>().Current.Policies["p"].Users!;
        Assert.Equal(401, await StatusAsync(trusted, "/admin/x", "203.0.113.9", ("alice", "warm-up"))); // the path compiled

        // Twenty connections (a client each), opened beforehand: all twenty attempts in flight at once.
        var clients = Enumerable.Range(0, 20).Select(_ => proxy.HttpFrom(Trusted)).ToList();
        Assert.All(await Task.WhenAll(clients.Select(client => StatusAsync(client, "/open"))), status => Assert.Equal(200, status));
        var statuses = await Task.WhenAll(clients.Select((client, i) => StatusAsync(client, "/admin/x", "203.0.113.5", ("alice", $"wrong{i}"))));
        clients.ForEach(c => c.Dispose());

        Assert.Equal(3, statuses.Count(s => s == 401));
        Assert.Equal(17, statuses.Count(s => s == 429));
        Assert.Equal(1 + 3, users.Verifications);
        // Another client is not held up by that one's queue.
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.6", ("alice", "secret")));
    }

    [Fact]
    public async Task A_password_longer_than_htpasswd_accepts_is_wrong_without_being_hashed()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd") }), [ShaLine("alice", new string('s', 255))]);
        using var trusted = proxy.HttpFrom(Trusted);
        var users = proxy.Services.GetRequiredService<AccessControlState>().Current.Policies["p"].Users!;

        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", new string('s', 255))));
        Assert.Equal(401, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", new string('s', 256))));
        Assert.Equal(1, users.Verifications);
    }

    [Fact]
    public async Task Too_many_wrong_passwords_lock_that_client_ip_out_for_the_minute_even_with_the_right_password()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var proxy = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd", maxFailures: 2) }), [ShaLine("alice", "secret")], clock);
        using var trusted = proxy.HttpFrom(Trusted);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(401, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "wrong")));
        }

        using (var locked = await GetAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret")))
        {
            Assert.Equal(429, (int)locked.StatusCode);
            Assert.True(int.Parse(Assert.Single(locked.Headers.GetValues("Retry-After"))) is > 0 and <= 60);
        }

        // Another client IP is not affected.
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.6", ("alice", "secret")));

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(429, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret")));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(200, await StatusAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret")));

        var metrics = await proxy.GetMetricsAsync();
        Assert.Contains("edgeproxy_access_refused_total{policy=\"p\",reason=\"brute-force\"} 2", metrics);
        Assert.Contains("edgeproxy_access_refused_total{policy=\"p\",reason=\"credentials\"} 3", metrics);
    }

    [Fact]
    public async Task Status_lists_the_policies_with_the_routes_using_them_and_refusals_are_counted_by_reason()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var config = Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }, new JsonObject { ["api"] = new JsonObject { ["PermitsPerSecond"] = 5, ["Burst"] = 10 } }, rateLimit: "api");
        await using var proxy = await StartAsync(config);
        using var trusted = proxy.HttpFrom(Trusted);
        Assert.Equal(403, await StatusAsync(trusted, "/admin/x", "198.51.100.1"));

        var status = (await proxy.GetStatusAsync())["accessControl"]!;
        Assert.Equal("[\"admin\"]", status["policies"]!["p"]!["routes"]!.ToJsonString());
        Assert.Equal("[\"203.0.113.0/24\"]", status["policies"]!["p"]!["allowFrom"]!.ToJsonString());
        Assert.Equal("[\"admin\"]", status["rateLimits"]!["api"]!["routes"]!.ToJsonString());
        Assert.Equal(10, status["rateLimits"]!["api"]!["burst"]!.GetValue<int>());
        Assert.Contains("edgeproxy_access_refused_total{policy=\"p\",reason=\"ip\"} 1", await proxy.GetMetricsAsync());
    }
}
