using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Cloudflare;

/// <summary>The built proxy as its own process: a range source over plain http to another host is refused before listening.</summary>
[Trait("Process", "Separate")]
public sealed class CloudflareSourceStartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string WriteConfig(params string[] sources)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Cloudflare"] = new JsonObject { ["Sources"] = new JsonArray([.. sources.Select(s => JsonValue.Create(s))]) };
        var path = _directory.File("appsettings.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_plain_http_source_on_another_host_is_refused_by_check_and_at_start(bool check)
    {
        var path = WriteConfig("https://www.cloudflare.com/ips-v4", "http://example.invalid/ips");

        var result = await ProxyProcess.RunAsync(check ? ["--check", "--config", path] : ["--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("EdgeProxy:Cloudflare:Sources:1: 'http://example.invalid/ips' must be https://", result.StandardError);
        Assert.DoesNotContain("Sources:0", result.StandardError);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task Plain_http_sources_on_loopback_pass_check()
    {
        var path = WriteConfig("http://127.0.0.1:8080/ips-v4", "http://[::1]:8080/ips-v6", "http://localhost:8080/client/v4/ips");

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("configuration is valid", result.StandardOutput);
    }
}
