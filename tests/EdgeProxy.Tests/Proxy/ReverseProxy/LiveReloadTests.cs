using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Proxy.ReverseProxy;

public sealed class LiveReloadTests
{
    private static readonly TimeSpan AppliesWithin = TimeSpan.FromSeconds(5);

    public static TheoryData<string> EditStyles => ["in-place", "rename"];

    private static Task Edit(ProxyUnderTest proxy, string style, string content) =>
        style == "rename" ? proxy.EditByRenameAsync(content) : proxy.EditInPlaceAsync(content);

    private static Task<bool> Serves(ProxyUnderTest proxy, string backend) =>
        Eventually.HoldsAsync(async () => await proxy.GetTextAsync(proxy.Http, "/p") == $"200 backend={backend} path=/p", AppliesWithin);

    /// <summary>
    /// Waits until <c>/status</c> reports the refused edit with <paramref name="expected"/> (the first fragment picks the
    /// error, every fragment must be in it), then checks the error names the file, the log says the same, and the old
    /// route is still served.
    /// </summary>
    private static async Task AssertRefusedAndOldRouteKept(ProxyUnderTest proxy, CollectingLoggerProvider logs, params string[] expected)
    {
        var error = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var errors = (await proxy.GetStatusAsync())["config"]!["pendingEditErrors"]!.AsArray();
            error = errors.Select(e => e!.GetValue<string>()).FirstOrDefault(e => e.Contains(expected[0], StringComparison.Ordinal)) ?? "";
            return error.Length > 0;
        }, AppliesWithin), $"no refused edit reported with '{expected[0]}'");

        Assert.StartsWith(proxy.ConfigPath + ": ", error);
        Assert.All(expected, fragment => Assert.Contains(fragment, error));
        Assert.True(await logs.LoggedAsync(l => l.Contains($": Rejected the edit of {proxy.ConfigPath};", StringComparison.Ordinal)
            && l.Contains("\n  - " + error, StringComparison.Ordinal)), string.Join("\n", logs.Lines));
        Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
    }

    private static Task<ProxyUnderTest> StartLoggingAsync(JsonObject config, CollectingLoggerProvider logs) =>
        ProxyUnderTest.StartAsync(config, services => services.AddSingleton<ILoggerProvider>(logs));

    [Theory]
    [MemberData(nameof(EditStyles))]
    public async Task A_destination_edited_in_the_file_applies_within_five_seconds(string style)
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        // Polling is pushed out of reach so the file-system notice alone must carry the change.
        var config = TestConfig.SingleCluster(one.Address);
        config["EdgeProxy"]!["Config"]!["PollInterval"] = "01:00:00";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        Assert.True(await Serves(proxy, "one"));

        config["ReverseProxy"] = TestConfig.ReverseProxy(two.Address);
        await Edit(proxy, style, config.ToJsonString());

        Assert.True(await Serves(proxy, "two"), $"the {style} edit did not apply within {AppliesWithin}");
    }

    private const string CutOffJson = "{ \"ReverseProxy\": { \"Routes\": ";

    /// <summary>
    /// Edits the proxy must refuse: the file written from a valid configuration whose route already points at backend
    /// two (so backend two never answering proves nothing of the edit was applied), and the text the error must hold.
    /// </summary>
    private static readonly Dictionary<string, (Func<JsonObject, string> Content, string[] Expected)> RefusedEdits = new()
    {
        ["invalid JSON"] = (_ => CutOffJson, ["invalid JSON"]),
        ["no routes"] = (With(c => c["ReverseProxy"]!["Routes"] = new JsonObject()), ["ReverseProxy:Routes: no routes"]),
        ["a value YARP rejects"] = (With(c => c["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "Fastest"), ["ReverseProxy:Clusters:main", "Fastest"]),
        ["a route to an unknown cluster"] = (With(c => c["ReverseProxy"]!["Routes"]!["all"]!["ClusterId"] = "mian"), ["ReverseProxy:Routes:all:ClusterId: unknown cluster 'mian'"]),
        ["a route without a cluster"] = (With(c => c["ReverseProxy"]!["Routes"]!["all"]!.AsObject().Remove("ClusterId")), ["ReverseProxy:Routes:all:ClusterId: missing"]),
        ["a cluster without destinations"] = (With(c => c["ReverseProxy"]!["Clusters"]!["main"]!["Destinations"] = new JsonObject()), ["ReverseProxy:Clusters:main:Destinations: none"]),
        ["a destination address that is not a URL"] = (With(c => c["ReverseProxy"]!["Clusters"]!["main"]!["Destinations"]!["d0"]!["Address"] = "backend:8080"),
            ["ReverseProxy:Clusters:main:Destinations:d0:Address: 'backend:8080' is not an absolute http:// or https:// URL with a host"]),
    };

    private static Func<JsonObject, string> With(Action<JsonObject> change) => config =>
    {
        change(config);
        return config.ToJsonString();
    };

    public static TheoryData<string, string> RefusedEditCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var edit in RefusedEdits.Keys)
        {
            foreach (var style in EditStyles)
            {
                cases.Add(edit, style);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(RefusedEditCases))]
    public async Task A_refused_edit_is_reported_and_the_old_route_is_still_served(string edit, string style)
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var config = TestConfig.SingleCluster(one.Address);
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartLoggingAsync(config, logs);

        config["ReverseProxy"] = TestConfig.ReverseProxy(two.Address);
        var (content, expected) = RefusedEdits[edit];
        await Edit(proxy, style, content(config));

        await AssertRefusedAndOldRouteKept(proxy, logs, expected);
    }

    [Theory]
    [MemberData(nameof(EditStyles))]
    public async Task Invalid_json_then_another_change_never_leaves_the_proxy_without_routes(string style)
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var config = TestConfig.SingleCluster(one.Address);
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartLoggingAsync(config, logs);

        await Edit(proxy, style, CutOffJson);
        await AssertRefusedAndOldRouteKept(proxy, logs, "invalid JSON");

        // The trap: after a parse failure, the next change of any configuration must not load an empty route table.
        config["Logging"]!["LogLevel"]!["Default"] = "Error";
        await Edit(proxy, style, config.ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (long)(await proxy.GetStatusAsync())["config"]!["reloadsApplied"]! == 2, AppliesWithin));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
        }

        config["ReverseProxy"] = TestConfig.ReverseProxy(two.Address);
        await Edit(proxy, style, config.ToJsonString());
        Assert.True(await Serves(proxy, "two"));
    }

    /// <summary>An empty file is usually half an editor's save: it is judged only when a later look (here the 1 s poll) finds it still empty.</summary>
    [Fact]
    public async Task A_file_left_empty_is_refused_once_it_stays_empty()
    {
        await using var one = await TestBackend.StartAsync("one");
        var config = TestConfig.SingleCluster(one.Address);
        config["EdgeProxy"]!["Config"]!["PollInterval"] = "00:00:01";
        var logs = new CollectingLoggerProvider();
        await using var proxy = await StartLoggingAsync(config, logs);

        await proxy.EditInPlaceAsync("");

        await AssertRefusedAndOldRouteKept(proxy, logs, "invalid JSON");
    }

    [Fact]
    public async Task An_edit_outside_the_live_sections_is_reported_as_restart_required_not_applied()
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var logs = new CollectingLoggerProvider();
        var config = TestConfig.SingleCluster(one.Address);
        await using var proxy = await StartLoggingAsync(config, logs);
        Assert.True(await Serves(proxy, "one"));
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_config_restart_required"));

        // A TLS profile edit (read only at start) together with a route edit (live).
        config["EdgeProxy"]!["Tls"] = new JsonObject { ["Profile"] = "Modern" };
        config["ReverseProxy"] = TestConfig.ReverseProxy(two.Address);
        await proxy.EditByRenameAsync(config.ToJsonString());

        Assert.True(await Serves(proxy, "two")); // the live part applies
        var status = (await proxy.GetStatusAsync())["config"]!;
        Assert.Equal(["EdgeProxy:Tls:Profile"], status["restartRequired"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_config_restart_required"));
        Assert.Single(logs.Lines, l => l.Contains("apply only at the next start", StringComparison.Ordinal) && l.Contains("EdgeProxy:Tls:Profile", StringComparison.Ordinal));

        // Writing the same change again (another route edit) warns no second time; undoing it clears the report.
        config["ReverseProxy"] = TestConfig.ReverseProxy(one.Address);
        await proxy.EditByRenameAsync(config.ToJsonString());
        Assert.True(await Serves(proxy, "one"));
        Assert.Single(logs.Lines, l => l.Contains("apply only at the next start", StringComparison.Ordinal));
        config["EdgeProxy"]!.AsObject().Remove("Tls");
        await proxy.EditByRenameAsync(config.ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await proxy.GetStatusAsync())["config"]!["restartRequired"]!.AsArray().Count == 0, AppliesWithin));
        Assert.True(await Eventually.HoldsAsync(async () => await proxy.MetricAsync("edgeproxy_config_restart_required") == 0, AppliesWithin)); // set just after the list
    }
}
