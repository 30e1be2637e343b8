using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary>The built proxy started as its own process: exit codes and messages for bad configurations, and <c>--check</c>.</summary>
[Trait("Process", "Separate")]
public sealed class StartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string WriteConfig(JsonObject config) => WriteConfig(config.ToJsonString());

    private string WriteConfig(string content)
    {
        var path = _directory.File("appsettings.json");
        File.WriteAllText(path, content);
        return path;
    }

    private static JsonObject ValidConfig() => TestConfig.SingleCluster("http://127.0.0.1:9/");

    [Fact]
    public async Task An_unknown_load_balancing_policy_exits_non_zero_before_listening_naming_key_and_value()
    {
        var config = ValidConfig();
        config["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "Fastest";
        var path = WriteConfig(config);

        var result = await ProxyProcess.RunAsync(["--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ReverseProxy:Clusters:main", result.StandardError);
        Assert.Contains("Fastest", result.StandardError);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task Invalid_json_at_start_exits_non_zero_with_the_position_counted_from_1()
    {
        var path = WriteConfig("{\n  \"ReverseProxy\": {\n    \"Routes\": { ,\n}");

        var result = await ProxyProcess.RunAsync(["--config", path]);

        Assert.Equal(1, result.ExitCode);
        // The ',' is the 17th character of the third line, as an editor counts.
        Assert.Contains($"{path}: invalid JSON at line 3, column 17: ", result.StandardError);
        Assert.DoesNotContain("LineNumber", result.StandardError);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task A_missing_configuration_file_exits_non_zero()
    {
        var result = await ProxyProcess.RunAsync(["--config", _directory.File("nope.json")]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nope.json does not exist", result.StandardError);
    }

    [Fact]
    public async Task A_port_in_use_exits_non_zero_with_one_clear_error()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var config = ValidConfig();
        config["Kestrel"]!["Endpoints"]!["Https"]!["Url"] = $"https://127.0.0.1:{port}";
        var path = WriteConfig(config);

        var result = await ProxyProcess.RunAsync(["--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: Failed to bind to address https://127.0.0.1:{port}: address already in use.", result.StandardError);
        // Stopping the background services is not a second failure.
        Assert.DoesNotContain("BackgroundService failed", result.Output);
    }

    [Fact]
    public async Task Check_accepts_a_valid_file_without_listening()
    {
        // Hold the admin port ourselves: if --check tried to listen, it would fail to bind and exit non-zero.
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var config = ValidConfig();
        config["EdgeProxy"]!["Admin"]!["Url"] = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";
        var path = WriteConfig(config);

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{path}: configuration is valid (1 route(s), 1 cluster(s))", result.StandardOutput);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task Check_reports_every_problem_and_exits_one()
    {
        var config = ValidConfig();
        config["ReverseProxy"]!["Clusters"]!["main"]!["LoadBalancingPolicy"] = "Fastest";
        config["ReverseProxy"]!["Routes"]!["orphan"] = new JsonObject { ["ClusterId"] = "missing", ["Match"] = new JsonObject { ["Path"] = "/o" } };
        config["Kestrel"]!["Endpoints"]!["Https"]!["Certificate"] = new JsonObject { ["Path"] = "absent.pem", ["KeyPath"] = "absent.key" };
        var path = WriteConfig(config);

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Fastest", result.StandardError);
        Assert.Contains("ReverseProxy:Routes:orphan:ClusterId: unknown cluster 'missing'", result.StandardError);
        Assert.Contains($"Kestrel:Endpoints:Https:Certificate: cannot load '{_directory.File("absent.pem")}'", result.StandardError);
    }

    [Fact]
    public async Task Check_finds_the_file_through_EDGEPROXY_CONFIG_and_sees_environment_overrides()
    {
        var path = WriteConfig(ValidConfig());
        var environment = new Dictionary<string, string>
        {
            ["EDGEPROXY_CONFIG"] = path,
            ["EdgeProxy__Admin__Url"] = "ftp://127.0.0.1:21",
        };

        var result = await ProxyProcess.RunAsync(["--check"], environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(path, result.StandardError);
        Assert.Contains("EdgeProxy:Admin:Url 'ftp://127.0.0.1:21' must be an absolute http:// URL", result.StandardError);
    }

    [Fact]
    public async Task Check_refuses_trusted_networks_and_range_sources_that_are_not_valid()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("10.0.0.0/8", "10.0.0.1");
        config["EdgeProxy"]!["Cloudflare"] = new JsonObject { ["Sources"] = new JsonArray("ftp://example/ips"), ["MaxShrinkPercent"] = 150 };
        var path = WriteConfig(config);

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("EdgeProxy:ClientIp:TrustedNetworks:1: '10.0.0.1' has no prefix length", result.StandardError);
        Assert.Contains("EdgeProxy:Cloudflare:Sources:0", result.StandardError);
        Assert.Contains("EdgeProxy:Cloudflare:MaxShrinkPercent", result.StandardError);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_weak_custom_tls_policy_is_refused_at_start_and_by_check(bool check)
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["Tls"] = new JsonObject
        {
            ["Profile"] = "Custom",
            ["Protocols"] = new JsonArray("Tls12", "Tls13"),
            ["CipherSuites"] = new JsonArray("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        };
        var path = WriteConfig(config);

        var result = await ProxyProcess.RunAsync(check ? ["--check", "--config", path] : ["--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("EdgeProxy:Tls:CipherSuites:0: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256' is weak and never offered: CBC mode", result.StandardError);
        Assert.Contains("Tls13 is enabled but no TLS 1.3 suite is listed", result.StandardError);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task Command_line_overrides_win_over_the_file()
    {
        var path = WriteConfig(ValidConfig());

        var result = await ProxyProcess.RunAsync(["--check", "--config", path, "--ReverseProxy:Clusters:main:LoadBalancingPolicy=Fastest"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Fastest", result.StandardError);
    }
}
