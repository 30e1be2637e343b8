using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary>Strict configuration at start and in <c>--check</c>: unknown keys and wrong shapes name file and key and exit 1; unknown Kestrel keys warn.</summary>
[Trait("Process", "Separate")]
public sealed class StrictConfigStartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(JsonObject config)
    {
        var path = _directory.File("appsettings.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static JsonObject ValidConfig() => TestConfig.SingleCluster("http://127.0.0.1:9/");

    private static JsonObject WithPolicy(JsonObject config, JsonObject policy, string routePolicy = "office")
    {
        config["EdgeProxy"]!["AccessPolicies"] = new JsonObject { ["office"] = policy };
        config["ReverseProxy"]!["Routes"]!["all"]!["AuthorizationPolicy"] = routePolicy;
        return config;
    }

    private async Task<ProxyProcess.Result> CheckAsync(JsonObject config, int exitCode)
    {
        var result = await ProxyProcess.RunAsync(["--check", "--config", Write(config)]);
        Assert.True(exitCode == result.ExitCode, result.Output);
        Assert.DoesNotContain("   at ", result.StandardError);
        return result;
    }

    [Fact]
    public async Task Check_refuses_misspelt_EdgeProxy_keys_naming_file_and_key_with_a_suggestion()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["ClientIp"]!["RequireTrustedPeeer"] = true;
        config["EdgeProxy"]!["Hstss"] = new JsonObject { ["MaxAge"] = "1.00:00:00" };
        var path = Write(config);

        var result = await CheckAsync(config, 1);

        Assert.Contains($"{path}: EdgeProxy:ClientIp:RequireTrustedPeeer: unknown key; did you mean 'RequireTrustedPeer'?", result.StandardError);
        Assert.Contains($"{path}: EdgeProxy:Hstss: unknown key; did you mean 'Hsts'?", result.StandardError);
    }

    [Fact]
    public async Task Check_names_an_unknown_key_set_by_the_environment()
    {
        var result = await ProxyProcess.RunAsync(["--check", "--config", Write(ValidConfig())], new Dictionary<string, string> { ["EdgeProxy__Tls__Profil"] = "Modern" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("environment: EdgeProxy:Tls:Profil: unknown key; did you mean 'Profile'?", result.StandardError);
    }

    [Fact]
    public async Task Check_refuses_a_single_AllowFrom_value_where_a_list_is_expected()
    {
        var config = WithPolicy(ValidConfig(), new JsonObject { ["AllowFrom"] = "10.9.9.0/24", ["DenyFrom"] = new JsonArray("10.9.9.9/32") });

        var result = await CheckAsync(config, 1);

        Assert.Contains("EdgeProxy:AccessPolicies:office:AllowFrom: expects a list such as [\"10.9.9.0/24\"], not the single value '10.9.9.0/24'", result.StandardError);
    }

    [Fact]
    public async Task Check_refuses_an_object_or_a_list_where_a_single_value_is_expected()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["RateLimits"] = new JsonObject { ["api"] = new JsonObject { ["PermitsPerSecond"] = new JsonObject { ["Value"] = 5 } } };
        config["EdgeProxy"]!["Hsts"] = new JsonObject { ["MaxAge"] = new JsonArray("1.00:00:00") };

        var result = await CheckAsync(config, 1);

        Assert.Contains("EdgeProxy:RateLimits:api:PermitsPerSecond: expects a single value, not an object", result.StandardError);
        Assert.Contains("EdgeProxy:Hsts:MaxAge: expects a single value, not a list", result.StandardError);
    }

    [Fact]
    public async Task Check_refuses_a_misspelt_policy_key()
    {
        var config = WithPolicy(ValidConfig(), new JsonObject { ["AllowedFrom"] = new JsonArray("10.9.9.0/24") });

        var result = await CheckAsync(config, 1);

        Assert.Contains("EdgeProxy:AccessPolicies:office:AllowedFrom: unknown key; did you mean 'AllowFrom'?", result.StandardError);
    }

    [Fact]
    public async Task Check_refuses_the_Default_access_policy_and_rate_limit_but_accepts_Anonymous_and_Disable()
    {
        var config = WithPolicy(ValidConfig(), new JsonObject { ["AllowFrom"] = new JsonArray("10.9.9.0/24") }, routePolicy: "Default");
        config["ReverseProxy"]!["Routes"]!["all"]!["RateLimiterPolicy"] = "Default";

        var result = await CheckAsync(config, 1);

        Assert.Contains("ReverseProxy:Routes:all:AuthorizationPolicy: no access policy 'Default' in EdgeProxy:AccessPolicies (known: office); name one of them, or 'Anonymous'", result.StandardError);
        Assert.Contains("ReverseProxy:Routes:all:RateLimiterPolicy: no rate limit 'Default' in EdgeProxy:RateLimits (none defined)", result.StandardError);

        config["ReverseProxy"]!["Routes"]!["all"]!["AuthorizationPolicy"] = "Anonymous";
        config["ReverseProxy"]!["Routes"]!["all"]!["RateLimiterPolicy"] = "Disable";
        await CheckAsync(config, 0);
    }

    [Fact]
    public async Task A_misspelt_route_key_stops_the_start_before_listening()
    {
        var config = ValidConfig();
        config["ReverseProxy"]!["Routes"]!["all"]!["AuthorisationPolicy"] = "office";
        var path = Write(config);

        var result = await ProxyProcess.RunAsync(["--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}: ReverseProxy:Routes:all:AuthorisationPolicy: unknown key; did you mean 'AuthorizationPolicy'?", result.StandardError);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task Names_under_dictionaries_and_YARP_keys_are_not_flagged()
    {
        var config = ValidConfig();
        var route = config["ReverseProxy"]!["Routes"]!["all"]!;
        route["Metadata"] = new JsonObject { ["anything"] = "x" };
        route["Transforms"] = new JsonArray(new JsonObject { ["RequestHeader"] = "X-A", ["Set"] = "1" });
        route["Match"]!["Headers"] = new JsonArray(new JsonObject { ["Name"] = "X-B", ["Values"] = new JsonArray("1"), ["Mode"] = "ExactHeader" });
        var cluster = config["ReverseProxy"]!["Clusters"]!["main"]!;
        cluster["HttpClient"] = new JsonObject { ["SslProtocols"] = new JsonArray("Tls12", "Tls13"), ["MaxConnectionsPerServer"] = 10 };
        cluster["HttpRequest"] = new JsonObject { ["Version"] = "2", ["ActivityTimeout"] = "00:01:00" };
        cluster["HealthCheck"] = new JsonObject { ["Passive"] = new JsonObject { ["Enabled"] = true } };
        cluster["SessionAffinity"] = new JsonObject { ["Enabled"] = true, ["AffinityKeyName"] = "a", ["Cookie"] = new JsonObject { ["HttpOnly"] = true } };
        config["EdgeProxy"]!["RateLimits"] = new JsonObject { ["Burst-Y"] = new JsonObject { ["PermitsPerSecond"] = 5, ["Burst"] = 10 } };

        await CheckAsync(config, 0);
    }

    [Fact]
    public async Task An_unknown_Kestrel_key_is_a_warning_printed_by_check_and_logged_at_start()
    {
        var config = ValidConfig();
        config["Kestrel"]!["AllowHostHeaderOverride"] = true;
        var path = Write(config);

        var result = await CheckAsync(config, 0);
        Assert.Contains($"warning: {path}: Kestrel:AllowHostHeaderOverride: unknown key (ignored)", result.StandardError);

        await using var proxy = await ProxyServerProcess.StartAsync(config, _directory);
        Assert.True(await proxy.LogsAsync("Kestrel:AllowHostHeaderOverride: unknown key (ignored)"), proxy.Output);
    }

    [Fact]
    public async Task Check_warns_of_a_policy_limited_to_some_methods_beside_an_open_catch_all()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["AccessPolicies"] = new JsonObject { ["office"] = new JsonObject { ["AllowFrom"] = new JsonArray("10.9.9.0/24") } };
        config["ReverseProxy"]!["Routes"]!["private"] = new JsonObject
        {
            ["ClusterId"] = "main",
            ["AuthorizationPolicy"] = "office",
            ["Match"] = new JsonObject { ["Path"] = "/private/{**r}", ["Methods"] = new JsonArray("GET", "POST") },
        };
        var path = Write(config);

        var result = await CheckAsync(config, 0);

        Assert.Contains($"warning: {path}: ReverseProxy:Routes:private has AuthorizationPolicy 'office' only for Methods [GET, POST]; route 'all' (no AuthorizationPolicy)", result.StandardError);
    }

    [Fact]
    public async Task A_read_only_key_ring_without_a_key_exits_one_with_the_key_and_no_stack_trace()
    {
        Directory.CreateDirectory(_directory.File("keys"));
        var config = ValidConfig();
        config["EdgeProxy"]!["DataProtection"] = new JsonObject { ["KeysPath"] = "keys", ["GenerateKeys"] = false };
        var path = Write(config);

        foreach (var args in new[] { new[] { "--check", "--config", path }, ["--config", path] })
        {
            var result = await ProxyProcess.RunAsync(args);

            Assert.True(result.ExitCode == 1, result.Output);
            Assert.Contains($"error: {path} is not valid:", result.StandardError);
            Assert.Contains($"  - {path}: EdgeProxy:DataProtection:KeysPath '{_directory.File("keys")}' holds no key", result.StandardError);
            Assert.DoesNotContain("Unhandled exception", result.StandardError);
            Assert.DoesNotContain("   at ", result.StandardError);
        }
    }
}
