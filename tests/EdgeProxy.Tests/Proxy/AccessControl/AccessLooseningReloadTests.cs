using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>Strict configuration on live edits: a misspelt route key is refused, an edit that weakens access applies but is reported.</summary>
public sealed class AccessLooseningReloadTests
{
    private static readonly TimeSpan AppliesWithin = TimeSpan.FromSeconds(5);

    private static async Task<(ProxyUnderTest Proxy, CollectingLoggerProvider Logs)> StartAsync(JsonObject config)
    {
        var directory = new TempDirectory();
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        var logs = new CollectingLoggerProvider();
        return (await ProxyUnderTest.StartInAsync(directory, path, services => services.AddSingleton<ILoggerProvider>(logs)), logs);
    }

    private static async Task<string[]> ConfigStatusAsync(ProxyUnderTest proxy, string entry) =>
        [.. (await proxy.GetStatusAsync())["config"]![entry]!.AsArray().Select(e => e!.GetValue<string>())];

    [Fact]
    public async Task An_edit_that_weakens_a_route_applies_with_a_warning_and_is_listed_in_status_until_restart()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var (proxy, logs) = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"], deny: ["203.0.113.9/32"]) }));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);
        Assert.Equal(403, await StatusAsync(client, "/admin/x", "198.51.100.1"));
        Assert.Empty(await ConfigStatusAsync(proxy, "loosened"));

        // Wider allow list, one deny entry gone.
        await proxy.EditInPlaceAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24", "198.51.100.0/24"]) }).ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => await StatusAsync(client, "/admin/x", "198.51.100.1") == 200, AppliesWithin), "the edit did not apply");
        Assert.True(await logs.LoggedAsync(l => l.Contains("weakens access control: route 'admin': access policy 'p': AllowFrom now also allows 198.51.100.0/24", StringComparison.Ordinal)), string.Join("\n", logs.Lines));
        var loosened = await ConfigStatusAsync(proxy, "loosened");
        Assert.Contains(loosened, l => l.Contains("route 'admin': access policy 'p': AllowFrom now also allows 198.51.100.0/24", StringComparison.Ordinal));
        Assert.Contains(loosened, l => l.Contains("route 'admin': access policy 'p': DenyFrom no longer denies 203.0.113.9/32", StringComparison.Ordinal));
        Assert.Empty(await ConfigStatusAsync(proxy, "pendingEditErrors"));

        // The route made explicitly open: applied, and added to the list (earlier entries stay).
        await proxy.EditInPlaceAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }, policy: "Anonymous").ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await ConfigStatusAsync(proxy, "loosened")).Any(l => l.Contains("route 'admin': access policy 'p' replaced by Anonymous", StringComparison.Ordinal)), AppliesWithin));
        Assert.Equal(200, await StatusAsync(client, "/admin/x", "192.0.2.1"));
        Assert.Equal(3, (await ConfigStatusAsync(proxy, "loosened")).Length);
    }

    [Fact]
    public async Task A_misspelt_route_key_in_an_edit_is_refused_and_the_running_policy_stays()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var (proxy, _) = await StartAsync(Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }));
        await using var _p = proxy;
        using var client = proxy.HttpFrom(Trusted);

        var edit = Config(backend, new JsonObject { ["p"] = Policy(allow: ["203.0.113.0/24"]) }, policy: null);
        edit["ReverseProxy"]!["Routes"]!["admin"]!["AuthorisationPolicy"] = "p";
        await proxy.EditInPlaceAsync(edit.ToJsonString());

        var error = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            error = (await ConfigStatusAsync(proxy, "pendingEditErrors")).FirstOrDefault() ?? "";
            return error.Length > 0;
        }, AppliesWithin), "the edit was not refused");
        Assert.Equal($"{proxy.ConfigPath}: ReverseProxy:Routes:admin:AuthorisationPolicy: unknown key; did you mean 'AuthorizationPolicy'?", error);
        Assert.Equal(403, await StatusAsync(client, "/admin/x", "198.51.100.1"));
    }
}
