using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>Access policies, rate limits and htpasswd files change while the proxy runs; bad edits keep what runs.</summary>
public sealed class AccessControlReloadTests
{
    private static readonly TimeSpan AppliesWithin = TimeSpan.FromSeconds(5);

    private static async Task<(ProxyUnderTest Proxy, CollectingLoggerProvider Logs)> StartAsync(JsonObject config, params string[] htpasswdLines)
    {
        var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("users.htpasswd"), string.Join('\n', htpasswdLines) + "\n");
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        var logs = new CollectingLoggerProvider();
        return (await ProxyUnderTest.StartInAsync(directory, path, services => services.AddSingleton<ILoggerProvider>(logs)), logs);
    }

    private static Task<bool> Answers(HttpClient client, int status, string path, string? ip = null, (string, string)? credentials = null) =>
        Eventually.HoldsAsync(async () => await StatusAsync(client, path, ip, credentials) == status, AppliesWithin);

    private static async Task<string> RefusedEditError(ProxyUnderTest proxy, string fragment)
    {
        var error = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var errors = (await proxy.GetStatusAsync())["config"]!["pendingEditErrors"]!.AsArray();
            error = errors.Select(e => e!.GetValue<string>()).FirstOrDefault(e => e.Contains(fragment, StringComparison.Ordinal)) ?? "";
            return error.Length > 0;
        }, AppliesWithin), $"no refused edit reported with '{fragment}'");
        Assert.StartsWith(proxy.ConfigPath + ": ", error);
        return error;
    }

    [Fact]
    public async Task A_policy_added_to_a_route_by_an_edit_applies_and_removing_it_applies_too()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var config = Config(backend, policy: null);
        var (proxy, _) = await StartAsync(config, ShaLine("alice", "secret"));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "198.51.100.1"));

        var protectedConfig = Config(backend, new JsonObject { ["new"] = Policy(htpasswd: "users.htpasswd") }, policy: "new");
        await proxy.EditInPlaceAsync(protectedConfig.ToJsonString());
        Assert.True(await Answers(client, 401, "/admin/x", "198.51.100.1"), "the new policy did not apply");
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "198.51.100.1", ("alice", "secret")));

        await proxy.EditInPlaceAsync(Config(backend, policy: null).ToJsonString());
        Assert.True(await Answers(client, 200, "/admin/x", "198.51.100.1"), "removing the policy did not apply");
    }

    [Fact]
    public async Task An_edit_of_a_policy_a_route_keeps_naming_applies_to_that_route()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var (proxy, _) = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1"));

        await proxy.EditInPlaceAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["198.51.100.0/24"]) }).ToJsonString());
        Assert.True(await Answers(client, 403, "/admin/x", "203.0.113.1"), "the edited allow list did not apply");
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "198.51.100.1"));
    }

    [Fact]
    public async Task A_route_naming_an_unknown_policy_or_one_the_same_edit_removes_is_refused_as_a_whole()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var (proxy, logs) = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);

        // The edit removes policy p, still named by route admin, and also opens another route: nothing of it may apply.
        var edit = Config(backend, new JsonObject { ["other"] = Policy(allow: ["198.51.100.0/24"]) });
        edit["ReverseProxy"]!["Routes"]!["extra"] = new JsonObject { ["ClusterId"] = "main", ["Match"] = new JsonObject { ["Path"] = "/extra" } };
        await proxy.EditInPlaceAsync(edit.ToJsonString());
        var error = await RefusedEditError(proxy, "ReverseProxy:Routes:admin:AuthorizationPolicy");
        Assert.Contains("no access policy 'p'", error);
        Assert.True(await logs.LoggedAsync(l => l.Contains("Rejected the edit of " + proxy.ConfigPath, StringComparison.Ordinal) && l.Contains(error, StringComparison.Ordinal)), string.Join("\n", logs.Lines));
        Assert.Equal(403, await StatusAsync(client, "/admin/x", "198.51.100.1"));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1"));

        // An unknown rate limit name is refused the same way.
        var unknownLimit = Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }, rateLimit: "nope");
        await proxy.EditInPlaceAsync(unknownLimit.ToJsonString());
        Assert.Contains("no rate limit 'nope'", await RefusedEditError(proxy, "ReverseProxy:Routes:admin:RateLimiterPolicy"));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1"));
    }

    [Fact]
    public async Task A_bad_policy_edit_keeps_everything_running_and_names_file_and_key()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var (proxy, _) = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);

        await proxy.EditInPlaceAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["198.51.100.0/24", "10.0.0.1"]) }).ToJsonString());
        Assert.Contains("has no prefix length", await RefusedEditError(proxy, "EdgeProxy:AccessPolicies:p:AllowFrom:1"));
        await proxy.EditInPlaceAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["198.51.100.0/24"]) }, new JsonObject { ["api"] = new JsonObject { ["PermitsPerSecond"] = 0 } }).ToJsonString());
        await RefusedEditError(proxy, "EdgeProxy:RateLimits:api:PermitsPerSecond must be a positive number");

        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1"));
        Assert.Equal(403, await StatusAsync(client, "/admin/x", "198.51.100.1"));
    }

    [Fact]
    public async Task An_htpasswd_edit_applies_live_and_a_broken_file_keeps_the_last_good_users()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var (proxy, logs) = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd") }), ShaLine("alice", "old"));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1", ("alice", "old")));

        await WriteHtpasswdAsync(proxy, "users.htpasswd", ShaLine("alice", "new"));
        Assert.True(await Answers(client, 200, "/admin/x", "203.0.113.1", ("alice", "new")), "the new password did not apply");
        // The old password was remembered; the new file version forgets it.
        Assert.Equal(401, await StatusAsync(client, "/admin/x", "203.0.113.1", ("alice", "old")));

        await WriteHtpasswdAsync(proxy, "users.htpasswd", ShaLine("alice", "newer"), "bob:plaintext");
        var htpasswd = Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "users.htpasswd");
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await proxy.GetStatusAsync())["accessControl"]!["policies"]!["p"]!["basicAuth"]!["lastError"]?.GetValue<string>()
                .Contains($"{htpasswd}:2: user 'bob'", StringComparison.Ordinal) ?? false, AppliesWithin), "the broken file is not reported");
        Assert.True(await logs.LoggedAsync(l => l.Contains($"Rejected the edit of {htpasswd}", StringComparison.Ordinal)), string.Join("\n", logs.Lines));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1", ("alice", "new")));
        Assert.Equal(401, await StatusAsync(client, "/admin/x", "203.0.113.1", ("alice", "newer")));
    }
}
