using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.OriginPulls;

/// <summary><c>--check</c> validates the origin-pull CA file, fingerprints and listeners, and loads the shipped CA (native build too).</summary>
[Trait("Process", "Separate")]
public sealed class OriginPullCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private async Task<ProxyProcess.Result> CheckAsync(JsonObject originPulls, Action<JsonObject>? edit = null)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Cloudflare"] = new JsonObject { ["AuthenticatedOriginPulls"] = originPulls };
        edit?.Invoke(config);
        var path = _directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return await ProxyProcess.RunAsync(["--check", "--config", path]);
    }

    [Fact]
    public async Task The_shipped_ca_alone_and_a_zone_ca_with_a_pinned_fingerprint_with_colons_are_accepted()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var zoneCa = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=zone ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await File.WriteAllTextAsync(_directory.File("zone-ca.pem"), zoneCa.ExportCertificatePem());

        var shipped = await CheckAsync(new JsonObject { ["Mode"] = "Require" });
        var pinned = await CheckAsync(new JsonObject
        {
            ["Mode"] = "Require",
            ["CaPath"] = "zone-ca.pem",
            ["AllowedCertificates"] = new JsonArray("9A:1A:C2:B4:BE:15:F9:F2:7E:EE:20:A7:34:CB:A4:E9:89:8F:61:00:1B:3B:D7:C8:4B:69:B5:6A:3E:25:A2:B9"),
        });

        Assert.True(shipped.ExitCode == 0, shipped.StandardError);
        Assert.True(pinned.ExitCode == 0, pinned.StandardError);
    }

    [Fact]
    public async Task Pinned_certificates_without_their_ca_and_http3_on_a_public_endpoint_are_refused()
    {
        var pinsAlone = await CheckAsync(new JsonObject { ["Mode"] = "Verify", ["AllowedCertificates"] = new JsonArray(new string('A', 64)) });
        var http3 = await CheckAsync(new JsonObject { ["Mode"] = "Verify" }, config => config["Kestrel"]!["Endpoints"]!["Https"]!["Protocols"] = "Http1AndHttp2AndHttp3");

        Assert.Equal(1, pinsAlone.ExitCode);
        Assert.Contains("EdgeProxy:Cloudflare:AuthenticatedOriginPulls:AllowedCertificates: pinned certificates are a zone's own", pinsAlone.StandardError);
        Assert.Equal(1, http3.ExitCode);
        Assert.Contains("EdgeProxy:Cloudflare:AuthenticatedOriginPulls:Mode: Kestrel:Endpoints:Https:Protocols enables HTTP/3", http3.StandardError);
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
