using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Configuration;

public sealed class LiveReloadTests
{
    private static readonly TimeSpan AppliesWithin = TimeSpan.FromSeconds(5);

    public static TheoryData<string> EditStyles => ["in-place", "rename"];

    private static Task Edit(ProxyUnderTest proxy, string style, string content) =>
        style == "rename" ? proxy.EditByRenameAsync(content) : proxy.EditInPlaceAsync(content);

    private static Task<bool> Serves(ProxyUnderTest proxy, string backend) =>
        Eventually.HoldsAsync(async () => await proxy.GetTextAsync(proxy.Http, "/p") == $"200 backend={backend} path=/p", AppliesWithin);

    /// <summary>Waits until the refused edit is reported with <paramref name="expected"/> and returns that error.</summary>
    private static async Task<string> RefusedWith(ProxyUnderTest proxy, string expected)
    {
        var error = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var errors = (await proxy.GetStatusAsync())["config"]!["pendingEditErrors"]!.AsArray();
            error = errors.Select(e => e!.GetValue<string>()).FirstOrDefault(e => e.Contains(expected, StringComparison.Ordinal)) ?? "";
            return error.Length > 0;
        }, AppliesWithin), $"no refused edit reported with '{expected}'");
        return error;
    }

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

    [Theory]
    [MemberData(nameof(EditStyles))]
    public async Task Invalid_json_then_another_change_never_leaves_the_proxy_without_routes(string style)
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var config = TestConfig.SingleCluster(one.Address);
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        await Edit(proxy, style, "{ \"ReverseProxy\": { \"Routes\": ");
        await RefusedWith(proxy, "invalid JSON");
        Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));

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

    [Fact]
    public async Task A_file_left_empty_is_refused_once_it_stays_empty()
    {
        await using var one = await TestBackend.StartAsync("one");
        var config = TestConfig.SingleCluster(one.Address);
        config["EdgeProxy"]!["Config"]!["PollInterval"] = "00:00:01";
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        await proxy.EditInPlaceAsync("");

        await RefusedWith(proxy, "invalid JSON");
        Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
    }

    [Fact]
    public async Task An_edit_that_removes_every_route_is_refused()
    {
        await using var one = await TestBackend.StartAsync("one");
        var config = TestConfig.SingleCluster(one.Address);
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        config["ReverseProxy"]!["Routes"] = new JsonObject();
        await proxy.EditInPlaceAsync(config.ToJsonString());

        var error = await RefusedWith(proxy, "ReverseProxy:Routes: no routes");
        Assert.StartsWith(proxy.ConfigPath, error);
        Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
    }

    [Fact]
    public async Task An_edit_yarp_rejects_is_refused_naming_the_key_and_value()
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var config = TestConfig.SingleCluster(one.Address);
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        config["ReverseProxy"] = TestConfig.ReverseProxy(two.Address);
        config["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "Fastest";
        await proxy.EditInPlaceAsync(config.ToJsonString());

        Assert.Contains("Fastest", await RefusedWith(proxy, "ReverseProxy:Clusters:main"));
        // The valid-looking new destination in the same edit must not have been applied either.
        Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
    }

    [Fact]
    public async Task A_route_to_an_unknown_cluster_is_refused()
    {
        await using var one = await TestBackend.StartAsync("one");
        var config = TestConfig.SingleCluster(one.Address);
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        config["ReverseProxy"]!["Routes"]!["all"]!["ClusterId"] = "mian";
        await proxy.EditInPlaceAsync(config.ToJsonString());

        await RefusedWith(proxy, "ReverseProxy:Routes:all:ClusterId: unknown cluster 'mian'");
        Assert.Equal("200 backend=one path=/p", await proxy.GetTextAsync(proxy.Http, "/p"));
    }
}
