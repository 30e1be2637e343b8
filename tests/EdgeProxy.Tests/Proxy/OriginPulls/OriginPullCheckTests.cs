using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.OriginPulls;

/// <summary><c>--check</c> validates the origin-pull CA file and fingerprints, and loads the shipped CA (native build too).</summary>
[Trait("Process", "Separate")]
public sealed class OriginPullCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private async Task<ProxyProcess.Result> CheckAsync(JsonObject originPulls)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Cloudflare"] = new JsonObject { ["AuthenticatedOriginPulls"] = originPulls };
        var path = _directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return await ProxyProcess.RunAsync(["--check", "--config", path]);
    }

    [Fact]
    public async Task The_shipped_ca_and_a_pinned_fingerprint_with_colons_are_accepted()
    {
        var result = await CheckAsync(new JsonObject
        {
            ["Mode"] = "Require",
            ["AllowedCertificates"] = new JsonArray("9A:1A:C2:B4:BE:15:F9:F2:7E:EE:20:A7:34:CB:A4:E9:89:8F:61:00:1B:3B:D7:C8:4B:69:B5:6A:3E:25:A2:B9"),
        });

        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    [Fact]
    public async Task A_missing_ca_file_a_file_without_certificates_and_a_bad_fingerprint_are_refused_naming_the_key()
    {
        await File.WriteAllTextAsync(_directory.File("empty.pem"), "not a certificate\n");

        var missing = await CheckAsync(new JsonObject { ["Mode"] = "Verify", ["CaPath"] = "nowhere.pem", ["AllowedCertificates"] = new JsonArray("abc123") });
        var empty = await CheckAsync(new JsonObject { ["Mode"] = "Verify", ["CaPath"] = "empty.pem" });
        var mode = await CheckAsync(new JsonObject { ["Mode"] = "Sometimes" });

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("EdgeProxy:Cloudflare:AuthenticatedOriginPulls:CaPath: cannot read", missing.StandardError);
        Assert.Contains("nowhere.pem", missing.StandardError);
        Assert.Contains("EdgeProxy:Cloudflare:AuthenticatedOriginPulls:AllowedCertificates:0: 'abc123' is not a SHA-256 fingerprint", missing.StandardError);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("EdgeProxy:Cloudflare:AuthenticatedOriginPulls:CaPath:", empty.StandardError);
        Assert.Contains("empty.pem", empty.StandardError);
        Assert.Equal(1, mode.ExitCode);
        Assert.Contains("EdgeProxy:Cloudflare:AuthenticatedOriginPulls:Mode", mode.StandardError);
    }
}
