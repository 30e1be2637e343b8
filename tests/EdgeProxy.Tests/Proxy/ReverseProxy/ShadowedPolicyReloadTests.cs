using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.ReverseProxy;

/// <summary>
/// A protected route limited to some methods beside the open catch-all: other methods walk around the policy over a real
/// socket, and the proxy says so at start and on every edit (log and <c>/status</c> <c>config.warnings</c>).
/// </summary>
public sealed class ShadowedPolicyReloadTests
{
    private static JsonObject WithMethods(JsonObject config, params string[] methods)
    {
        var match = config["ReverseProxy"]!["Routes"]!["admin"]!["Match"]!.AsObject();
        match.Remove("Methods");
        if (methods.Length > 0)
        {
            match["Methods"] = new JsonArray([.. methods.Select(m => (JsonNode?)m)]);
        }

        return config;
    }

    private static async Task<string[]> WarningsAsync(ProxyUnderTest proxy) =>
        [.. (await proxy.GetStatusAsync())["config"]!["warnings"]!.AsArray().Select(e => e!.GetValue<string>())];

    [Fact]
    public async Task A_shadowed_policy_is_reported_at_start_and_on_reload_and_cleared_when_fixed()
    {
        await using var backend = await TestBackend.StartAsync("b");
        static JsonObject Policies() => new() { ["p"] = Policy(allow: ["203.0.113.0/24"]) };
        var directory = new TempDirectory();
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, WithMethods(Config(backend, Policies()), "GET", "POST").ToJsonString());
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyUnderTest.StartInAsync(directory, path, services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = proxy.HttpFrom(Trusted);

        // What the warning is about: GET is judged by the policy, the other methods are served by the catch-all.
        Assert.Equal(403, await StatusAsync(client, "/admin/x", "198.51.100.1"));
        foreach (var method in new[] { "HEAD", "PUT", "DELETE" })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/admin/x"));
            Assert.Equal(200, (int)response.StatusCode);
        }

        var warning = Assert.Single(await WarningsAsync(proxy));
        Assert.Contains("ReverseProxy:Routes:admin has AuthorizationPolicy 'p' only for Methods [GET, POST]; route 'all' (no AuthorizationPolicy)", warning);
        Assert.True(await logs.LoggedAsync(l => l.Contains("ReverseProxy:Routes:admin has AuthorizationPolicy 'p'", StringComparison.Ordinal)), string.Join("\n", logs.Lines));

        // Fixed the nginx limit_except way: one route, the policy on every method.
        await proxy.EditInPlaceAsync(WithMethods(Config(backend, Policies())).ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await WarningsAsync(proxy)).Length == 0, TimeSpan.FromSeconds(5)), "the fixed edit still warns");
        using (var put = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/admin/x")))
        {
            Assert.Equal(403, (int)put.StatusCode);
        }

        // Shadowed again by an edit: reported again.
        await proxy.EditInPlaceAsync(WithMethods(Config(backend, Policies()), "GET").ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await WarningsAsync(proxy)).Length == 1, TimeSpan.FromSeconds(5)), "the edit did not warn");
    }
}
