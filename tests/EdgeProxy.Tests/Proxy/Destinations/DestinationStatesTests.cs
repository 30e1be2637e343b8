using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Proxy.Destinations;

/// <summary>
/// Runtime states per destination over real sockets: two backends in cluster <c>main</c> (d0, d1, round robin), the
/// runtime API on the admin listener, the proxy's traffic checked at the backends.
/// </summary>
public sealed class DestinationStatesTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    internal static JsonObject Config(params GatedBackend[] backends)
    {
        var config = TestConfig.SingleCluster([.. backends.Select(b => b.Address)]);
        config["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "RoundRobin";
        return config;
    }

    [Fact]
    public async Task Drain_sends_new_requests_to_the_other_destination_and_lets_the_one_in_flight_finish()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a, b));

        var slow = proxy.Http.GetStringAsync("/slow");
        var arrived = await Task.WhenAny(a.SlowArrived.Task, b.SlowArrived.Task).WaitAsync(Within);
        var (held, other, heldId) = arrived == a.SlowArrived.Task ? (a, b, "d0") : (b, a, "d1");

        await proxy.SetOkAsync(heldId, "drain");

        var draining = await proxy.GetAsync(heldId);
        Assert.Equal("drain", (string?)draining["state"]);
        Assert.Equal("DRAIN", (string?)draining["status"]);
        Assert.Equal(1, (long)draining["inFlight"]!);
        Assert.False((bool)draining["drained"]!);
        var before = held.Requests;
        Assert.All(await DestinationApi.BackendsAsync(proxy.Http, 10), answer => Assert.Equal("backend=" + other.Name, answer));
        Assert.Equal(before, held.Requests);

        // The request in flight when the drain began still gets its answer from the drained destination.
        held.Release();
        Assert.Equal("backend=" + held.Name, await slow.WaitAsync(Within));
        Assert.True(await Eventually.HoldsAsync(async () => (bool)(await proxy.GetAsync(heldId))["drained"]!, Within), "never shown as drained");
        var drained = await proxy.GetAsync(heldId);
        Assert.Equal("DRAIN · drained", (string?)drained["statusText"]);
        Assert.Equal(0, (long)drained["inFlight"]!);
        Assert.Equal(1, (long)drained["maxInFlight"]!);
    }

    [Fact]
    public async Task Maint_takes_a_destination_out_at_once_and_ready_brings_it_back()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a, b));
        Assert.Equal(["backend=a", "backend=b"], (await DestinationApi.BackendsAsync(proxy.Http, 6)).Distinct().Order());

        await proxy.SetOkAsync("d0", "maint");

        // The very next requests (no waiting for anything) avoid it.
        Assert.All(await DestinationApi.BackendsAsync(proxy.Http, 6), answer => Assert.Equal("backend=b", answer));
        var maint = await proxy.GetAsync("d0");
        Assert.Equal("MAINT", (string?)maint["status"]);
        Assert.Equal("127.0.0.1", (string?)maint["stateChangedBy"]);

        await proxy.SetOkAsync("d0", "ready");

        Assert.Equal(["backend=a", "backend=b"], (await DestinationApi.BackendsAsync(proxy.Http, 6)).Distinct().Order());
        Assert.Equal("UP", (string?)(await proxy.GetAsync("d0"))["status"]);
    }

    [Fact]
    public async Task Names_in_another_case_act_on_the_destination_yarp_finds()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a, b));

        var (status, body) = await DestinationApi.SetAsync(proxy.Admin, "MAIN", "D0", "maint");

        Assert.Equal(200, status);
        Assert.Contains("\"destination\": \"d0\"", body, StringComparison.Ordinal);
        Assert.Equal("MAINT", (string?)(await proxy.GetAsync("d0"))["status"]);
        Assert.All(await DestinationApi.BackendsAsync(proxy.Http, 6), answer => Assert.Equal("backend=b", answer));
    }

    [Fact]
    public async Task With_every_destination_drained_requests_get_503_as_when_all_are_down()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a, b));

        await proxy.SetOkAsync("d0", "drain");
        await proxy.SetOkAsync("d1", "maint");

        Assert.Equal("503 503 Service Unavailable: no upstream server is available.\n", await proxy.GetTextAsync(proxy.Http, "/x"));
        Assert.Equal(0, a.Requests + b.Requests);
    }

    [Fact]
    public async Task A_session_affinity_request_for_a_drained_destination_moves_to_another()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        var config = Config(a, b);
        config["ReverseProxy"]!["Clusters"]!["main"]!["SessionAffinity"] = new JsonObject { ["Enabled"] = true, ["AffinityKeyName"] = "edge-affinity" };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var first = await proxy.Http.GetAsync("/first");
        var pinned = await first.Content.ReadAsStringAsync();
        var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("edge-affinity=", StringComparison.Ordinal)).Split(';')[0];
        async Task<string> WithCookieAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/again");
            request.Headers.Add("Cookie", cookie);
            using var response = await proxy.Http.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }

        // Pinned: the cookie brings every request back to the same destination.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(pinned, await WithCookieAsync());
        }

        await proxy.SetOkAsync(pinned == "backend=a" ? "d0" : "d1", "drain");

        for (var i = 0; i < 4; i++)
        {
            Assert.NotEqual(pinned, await WithCookieAsync());
        }
    }

    [Fact]
    public async Task A_state_survives_a_configuration_edit_while_the_destination_exists_and_goes_with_it()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        await using var c = await GatedBackend.StartAsync("c");
        var config = Config(a, b);
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        await proxy.SetOkAsync("d0", "maint");

        // An edit that keeps d0 (adds d2): d0 stays in maintenance.
        config["ReverseProxy"]!["Clusters"]!["main"]!["Destinations"] = TestConfig.Destinations(a.Address, b.Address, c.Address);
        await proxy.EditInPlaceAsync(config.ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await DestinationApi.BackendsAsync(proxy.Http, 3)).Contains("backend=c"), Within), "the edit never applied");
        Assert.Equal("maint", (string?)(await proxy.GetAsync("d0"))["state"]);
        Assert.DoesNotContain("backend=a", await DestinationApi.BackendsAsync(proxy.Http, 9));

        // An edit that removes d0 forgets its state (and the file with it); the same name added back later is ready.
        config["ReverseProxy"]!["Clusters"]!["main"]!["Destinations"] = new JsonObject { ["d1"] = new JsonObject { ["Address"] = b.Address } };
        await proxy.EditInPlaceAsync(config.ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await DestinationApi.BackendsAsync(proxy.Http, 3)).All(x => x == "backend=b"), Within), "the removal never applied");
        // The file is rewritten by the listener of YARP's config change, which may run just after the first requests.
        Assert.True(await Eventually.HoldsAsync(async () => !(await File.ReadAllTextAsync(Path.Combine(proxy.DataPath, "runtime-state.json"))).Contains("d0", StringComparison.Ordinal), Within), "d0's state never left the file");
        config["ReverseProxy"]!["Clusters"]!["main"]!["Destinations"] = TestConfig.Destinations(a.Address, b.Address);
        await proxy.EditInPlaceAsync(config.ToJsonString());
        Assert.True(await Eventually.HoldsAsync(async () => (await DestinationApi.BackendsAsync(proxy.Http, 4)).Contains("backend=a"), Within), "d0 never came back ready");
        Assert.Equal("ready", (string?)(await proxy.GetAsync("d0"))["state"]);
    }

    [Fact]
    public async Task A_state_survives_a_restart_on_the_same_data_path()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        using var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, Config(a, b).ToJsonString());
        await using (var first = await ProxyUnderTest.StartAsync(directory, configPath))
        {
            await first.SetOkAsync("d1", "drain");
        }

        var logs = new CollectingLoggerProvider();
        await using var second = await ProxyUnderTest.StartInAsync(directory, configPath, services => services.AddSingleton<ILoggerProvider>(logs));

        Assert.Equal("drain", (string?)(await second.GetAsync("d1"))["state"]);
        Assert.All(await DestinationApi.BackendsAsync(second.Http, 6), answer => Assert.Equal("backend=a", answer));
        Assert.Contains(logs.Lines, line => line.Contains("main/d1 starts in state drain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_state_file_is_reported_and_every_destination_starts_ready()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        using var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, Config(a, b).ToJsonString());
        Directory.CreateDirectory(directory.File("data"));
        await File.WriteAllTextAsync(directory.File("data/runtime-state.json"), "{\"version\":1,\"destinations\":[{\"cluster\":\"main\"");
        var logs = new CollectingLoggerProvider();

        await using var proxy = await ProxyUnderTest.StartInAsync(directory, configPath, services => services.AddSingleton<ILoggerProvider>(logs));

        Assert.Contains(logs.Lines, line => line.Contains("runtime-state.json is unusable, every destination starts ready", StringComparison.Ordinal));
        Assert.Equal(["backend=a", "backend=b"], (await DestinationApi.BackendsAsync(proxy.Http, 4)).Distinct().Order());
    }

    [Fact]
    public async Task Unknown_clusters_destinations_and_actions_are_404_naming_the_known_ones()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a, b));

        var cluster = await DestinationApi.SetAsync(proxy.Admin, "mian", "d0", "drain");
        var destination = await DestinationApi.SetAsync(proxy.Admin, "main", "d7", "drain");
        var action = await DestinationApi.SetAsync(proxy.Admin, "main", "d0", "disable");

        Assert.Equal(404, cluster.Status);
        Assert.Contains("no cluster 'mian' (known: main)", cluster.Body);
        Assert.Equal(404, destination.Status);
        Assert.Contains("no destination 'd7' in cluster 'main' (known: d0, d1)", destination.Body);
        Assert.Equal(404, action.Status);
        Assert.Contains("no action 'disable' (known: drain, maint, ready)", action.Body);
        using var get = await proxy.Admin.GetAsync("/destinations/main/d0/drain");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(["backend=a", "backend=b"], (await DestinationApi.BackendsAsync(proxy.Http, 4)).Distinct().Order());
    }

    [Fact]
    public async Task Every_change_is_logged_with_the_peer_and_counted_by_state()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a, b), services => services.AddSingleton<ILoggerProvider>(logs));

        await proxy.SetOkAsync("d0", "drain");
        await proxy.SetOkAsync("d0", "maint");
        await proxy.SetOkAsync("d0", "ready");
        await proxy.SetOkAsync("d1", "drain");

        Assert.Equal(2, await proxy.MetricAsync("edgeproxy_destination_state_changes_total{state=\"drain\"}"));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_destination_state_changes_total{state=\"maint\"}"));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_destination_state_changes_total{state=\"ready\"}"));
        Assert.Contains(logs.Lines, line => line.Contains("Destination main/d0: drain -> maint, set by 127.0.0.1 on the admin listener", StringComparison.Ordinal));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_destination_runtime_state{cluster=\"main\",destination=\"d0\",state=\"ready\"}"));
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_destination_runtime_state{cluster=\"main\",destination=\"d0\",state=\"drain\"}"));
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_destination_runtime_state{cluster=\"main\",destination=\"d1\",state=\"drain\"}"));
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_destination_runtime_state{cluster=\"main\",destination=\"d1\",state=\"maint\"}"));
    }

    [Fact]
    public async Task The_report_counts_body_bytes_each_way_and_the_most_requests_in_flight()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(a));

        using (var post = await proxy.Http.PostAsync("/upload", new ByteArrayContent(new byte[1000])))
        {
            Assert.Equal("backend=a", await post.Content.ReadAsStringAsync());
        }

        var slow = new[] { proxy.Http.GetStringAsync("/slow"), proxy.Http.GetStringAsync("/slow") };
        Assert.True(await Eventually.HoldsAsync(async () => (long)(await proxy.GetAsync("d0"))["inFlight"]! == 2, Within), "two requests never in flight");
        a.Release();
        await Task.WhenAll(slow).WaitAsync(Within);

        Assert.True(await Eventually.HoldsAsync(async () => (long)(await proxy.GetAsync("d0"))["inFlight"]! == 0, Within), "requests still in flight");
        var d0 = await proxy.GetAsync("d0");
        Assert.Equal(1000, (long)d0["bytesIn"]!);
        Assert.Equal(3 * "backend=a".Length, (long)d0["bytesOut"]!);
        Assert.Equal(2, (long)d0["maxInFlight"]!);
        Assert.Equal(3, (long)d0["requests"]!);
        Assert.Null(d0["lastCheckAt"]);
    }

    [Fact]
    public async Task A_destination_failing_its_active_check_is_down_with_the_time_and_result_of_the_last_probe()
    {
        await using var up = await TestBackend.StartAsync("up");
        await using var down = await TestBackend.StartAsync("down");
        down.Healthy = false;
        var config = TestConfig.SingleCluster(up.Address, down.Address);
        config["ReverseProxy"]!["Clusters"]!["main"]!["HealthCheck"] = new JsonObject
        {
            ["Active"] = new JsonObject { ["Enabled"] = true, ["Interval"] = "00:00:00.500", ["Timeout"] = "00:00:02", ["Path"] = "/health" },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        Assert.True(await Eventually.HoldsAsync(async () => (string?)(await proxy.GetAsync("d1"))["status"] == "DOWN", Within), "d1 never went down");
        var d1 = await proxy.GetAsync("d1");
        Assert.Equal("active", (string?)d1["healthSource"]);
        Assert.Equal("DOWN (active)", (string?)d1["statusText"]);
        Assert.Equal("HTTP 503", (string?)d1["lastCheck"]);
        Assert.False((bool)d1["lastCheckPassed"]!);
        Assert.True(DateTimeOffset.UtcNow - (DateTimeOffset)d1["lastCheckAt"]! < TimeSpan.FromMinutes(1));
        var d0 = await proxy.GetAsync("d0");
        Assert.Equal("UP", (string?)d0["status"]);
        Assert.Equal("HTTP 200", (string?)d0["lastCheck"]);
    }
}
