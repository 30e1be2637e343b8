using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary>
/// The command line as an operator with nginx/HAProxy habits uses it: <c>--help</c>, <c>--version</c>, unknown
/// arguments (exit 2, never listening) and <c>keys generate</c>, on the built executable (the native one too).
/// </summary>
[Trait("Process", "Separate")]
public sealed class CommandLineProcessTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly int _adminPort = FreePort.Next();

    public void Dispose() => _directory.Dispose();

    /// <summary>A valid file whose admin listener is on a known free port: had the proxy started, it would listen there and not exit.</summary>
    private string ValidConfig()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Admin"]!["Url"] = $"http://127.0.0.1:{_adminPort}";
        var path = _directory.File("appsettings.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static Task<ProxyProcess.Result> RunAsync(params string[] args) => ProxyProcess.RunAsync(args, timeout: TimeSpan.FromSeconds(30));

    private void AssertNeverListened(ProxyProcess.Result result)
    {
        Assert.DoesNotContain("Now listening", result.Output);
        using var client = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => client.Connect("127.0.0.1", _adminPort));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_lists_every_option_the_environment_variable_and_the_exit_codes_and_exits_0(string arg)
    {
        var result = await RunAsync("--config", ValidConfig(), arg);

        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var expected in new[] { "--config PATH", "--check", "--Section:Key=VALUE", "--probe URL", "keys generate --path DIR", "--help", "--version", "EDGEPROXY_CONFIG", "Exit codes:", "  2  " })
        {
            Assert.Contains(expected, result.StandardOutput);
        }

        AssertNeverListened(result);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    public async Task Version_prints_product_runtime_yarp_and_openssl_versions_without_swallowing_an_override(string arg)
    {
        var result = await RunAsync("--config", ValidConfig(), arg, $"--EdgeProxy:Admin:Url=http://127.0.0.1:{_adminPort}");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Matches(@"(?m)^EdgeProxy \d+\.\d+", result.StandardOutput);
        Assert.Matches(@"(?m)^\.NET 10\.", result.StandardOutput);
        Assert.Matches(@"(?m)^YARP 2\.\d+", result.StandardOutput);
        Assert.Matches(@"(?m)^OpenSSL \d+\.\d+\.\d+", result.StandardOutput);
        AssertNeverListened(result);
    }

    [Theory]
    [InlineData("--foo")]
    [InlineData("--verbose")]
    [InlineData("serve")]
    [InlineData("/EdgeProxy:Tls:Profile=Modern")]
    public async Task An_unknown_argument_is_refused_by_name_with_exit_2_and_never_listens(string arg)
    {
        var result = await RunAsync("--config", ValidConfig(), arg, "--EdgeProxy:Tls:Profile=Modern");

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains($"error: unknown argument '{arg}'", result.StandardError);
        AssertNeverListened(result);
    }

    [Fact]
    public async Task An_override_key_without_a_value_is_exit_2_and_never_takes_the_next_switch()
    {
        var result = await RunAsync("--config", ValidConfig(), "--EdgeProxy:Admin:Url", "--check");

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains("--EdgeProxy:Admin:Url needs a value", result.StandardError);
        AssertNeverListened(result);
    }

    [Fact]
    public async Task Keys_generate_writes_a_ring_that_a_read_only_deployment_accepts()
    {
        var keys = _directory.File("keys");

        var generated = await RunAsync("keys", "generate", "--path", keys);

        Assert.True(generated.ExitCode == 0, generated.Output);
        Assert.Single(Directory.GetFiles(keys, "key-*.xml"));
        Assert.Contains("GenerateKeys", generated.StandardOutput);

        var config = JsonNode.Parse(File.ReadAllText(ValidConfig()))!.AsObject();
        config["EdgeProxy"]!["DataProtection"] = new JsonObject { ["KeysPath"] = keys, ["GenerateKeys"] = false };
        var path = _directory.File("readonly.json");
        File.WriteAllText(path, config.ToJsonString());
        var check = await RunAsync("--check", "--config", path);
        Assert.True(check.ExitCode == 0, check.Output);
    }

    [Fact]
    public async Task Keys_without_a_path_is_a_usage_error()
    {
        var result = await RunAsync("keys", "generate");

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Contains("keys generate needs --path DIR", result.StandardError);
    }
}
