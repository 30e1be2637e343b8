using System.Text.Json.Nodes;
using EdgeProxy.AccessControl;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>Policies naming the same htpasswd file read it through one reader: an edit of the file reaches them all at once.</summary>
public sealed class SharedHtpasswdTests
{
    [Fact]
    public async Task A_user_removed_from_a_file_two_policies_name_is_refused_on_both_routes()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var config = Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd"), ["q"] = Policy(htpasswd: "users.htpasswd") });
        config["ReverseProxy"]!["Routes"]!["other"] = new JsonObject
        {
            ["ClusterId"] = "main",
            ["AuthorizationPolicy"] = "q",
            ["Match"] = new JsonObject { ["Path"] = "/other/{**rest}" },
        };
        await using var proxy = await StartWithHtpasswdAsync(config, ShaLine("alice", "a"), ShaLine("bob", "b"));
        using var client = proxy.HttpFrom(Trusted);

        var policies = proxy.Services.GetRequiredService<AccessControlState>().Current.Policies;
        Assert.Same(policies["p"].Users, policies["q"].Users);
        // Remembered on both routes before the edit: the edit must forget them on both.
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.1", ("bob", "b")));
        Assert.Equal(200, await StatusAsync(client, "/other/x", "203.0.113.1", ("bob", "b")));

        await WriteHtpasswdAsync(proxy, "users.htpasswd", ShaLine("alice", "a"));
        // What the watcher's poll does (file notices may have done it already).
        proxy.Services.GetServices<IHostedService>().OfType<HtpasswdWatcher>().Single().Refresh();

        Assert.Equal(401, await StatusAsync(client, "/admin/x", "203.0.113.1", ("bob", "b")));
        Assert.Equal(401, await StatusAsync(client, "/other/x", "203.0.113.1", ("bob", "b")));
        Assert.Equal(200, await StatusAsync(client, "/other/x", "203.0.113.1", ("alice", "a")));
    }
}
