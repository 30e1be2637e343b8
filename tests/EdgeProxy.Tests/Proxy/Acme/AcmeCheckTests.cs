using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary><c>--check</c> on <c>EdgeProxy:Acme</c> in the real executable: refusals are errors, an unreachable directory a warning.</summary>
[Trait("Process", "Separate")]
public sealed class AcmeCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(Action<JsonObject> acme)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        var section = new JsonObject
        {
            ["Enabled"] = true,
            // Nothing listens there: the directory cannot be reached.
            ["DirectoryUrl"] = $"https://127.0.0.1:{FreePort.Next()}/dir",
            ["Email"] = "ops@example.com",
            ["AcceptTermsOfService"] = true,
            ["Certificates"] = new JsonObject { ["site"] = new JsonObject { ["Names"] = new JsonArray("example.com"), ["Challenge"] = "Http01" } },
        };
        acme(section);
        config["EdgeProxy"]!["Acme"] = section;
        var path = _directory.File("appsettings.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public async Task An_unreachable_directory_is_only_a_warning()
    {
        var path = Write(_ => { });
        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("warning: EdgeProxy:Acme:DirectoryUrl: 'https://127.0.0.1:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_settings_and_unknown_keys_fail_the_check_naming_file_and_key()
    {
        var path = Write(acme =>
        {
            acme["AcceptTermsOfService"] = false;
            acme["Certificates"]!["wild"] = new JsonObject { ["Names"] = new JsonArray("*.example.org"), ["Challenge"] = "Http01", ["KeyType"] = "Rsa2048" };
            acme["Certificates"]!["dns"] = new JsonObject { ["Names"] = new JsonArray("dns.example.org"), ["Challenge"] = "Dns01" };
        });
        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}: EdgeProxy:Acme:AcceptTermsOfService: must be true", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{path}: EdgeProxy:Acme:Certificates:wild:Names:0: the wildcard '*.example.org' can only be proven with Challenge Dns01, not Http01", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{path}: EdgeProxy:Acme:Certificates:dns:Challenge: Dns01 needs EdgeProxy:Acme:Dns01", result.StandardError, StringComparison.Ordinal);

        var unknown = Write(acme => acme["Certificates"]!["site"]!["Challange"] = "Dns01");
        result = await ProxyProcess.RunAsync(["--check", "--config", unknown]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("EdgeProxy:Acme:Certificates:site:Challange", result.StandardError, StringComparison.Ordinal);
    }
}
