using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>Certificates from Kestrel's schema: PEM and PFX, an SNI map, renewal on disk without restart, expiry reporting.</summary>
public sealed class CertificateTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static JsonObject PemCertificate(TestCertificates.PemFiles files) => new() { ["Path"] = files.CertificatePath, ["KeyPath"] = files.KeyPath };

    private static async Task<string> ServedSubject(int port, string? serverName)
    {
        var result = await OpenSslCli.ClientAsync(port, serverName is null ? "-noservername" : $"-servername {serverName}");
        var line = result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("subject=", StringComparison.Ordinal));
        return line?.Trim() ?? $"no certificate:\n{result.Output}";
    }

    [Fact]
    public async Task The_sni_map_picks_a_certificate_per_host_name_with_a_fallback()
    {
        var a = TestCertificates.WriteEcdsa(_directory.Path, "a", "a.test");
        var b = TestCertificates.WriteRsa(_directory.Path, "b", "b.test");
        var fallback = TestCertificates.WriteEcdsa(_directory.Path, "fallback", "fallback.test");
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Sni"] = new JsonObject
        {
            ["a.test"] = new JsonObject { ["Certificate"] = PemCertificate(a) },
            ["*.b.test"] = new JsonObject { ["Certificate"] = PemCertificate(b) },
            ["*"] = new JsonObject { ["Certificate"] = PemCertificate(fallback) },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var port = proxy.HttpsUri!.Port;

        Assert.Equal("subject=CN = a.test", await ServedSubject(port, "a.test"));
        Assert.Equal("subject=CN = b.test", await ServedSubject(port, "www.b.test"));
        Assert.Equal("subject=CN = fallback.test", await ServedSubject(port, "other.test"));
        Assert.Equal("subject=CN = fallback.test", await ServedSubject(port, null)); // a client connecting to a bare IP sends no name
    }

    [Fact]
    public async Task A_pfx_certificate_is_served()
    {
        var pem = TestCertificates.WriteRsa(_directory.Path, "site", "pfx.test");
        using var withKey = X509Certificate2.CreateFromPemFile(pem.CertificatePath, pem.KeyPath);
        var pfx = _directory.File("site.pfx");
        File.WriteAllBytes(pfx, withKey.Export(X509ContentType.Pkcs12, "secret"));
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Certificate"] = new JsonObject { ["Path"] = pfx, ["Password"] = "secret" };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        Assert.Equal("subject=CN = pfx.test", await ServedSubject(proxy.HttpsUri!.Port, "pfx.test"));
    }

    [Fact]
    public async Task A_certificate_replaced_on_disk_is_served_without_restart()
    {
        var files = TestCertificates.WriteRsa(_directory.Path, "site", "old.test");
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Certificate"] = PemCertificate(files);
        config["EdgeProxy"]!["Tls"] = new JsonObject { ["CertificateCheckInterval"] = "00:00:00.500" };
        // Kestrel rebinds the endpoint to load the new certificate: with port 0 it would get another port.
        var port = FreePort.Next();
        config["Kestrel"]!["Endpoints"]!["Https"]!["Url"] = $"https://127.0.0.1:{port}";
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        Assert.Equal("subject=CN = old.test", await ServedSubject(port, "old.test"));

        // A renewal tool writes the new files in another folder, then moves them over the old ones (Kestrel's own
        // file watch misses this), the key first: the half-renewed state in between must not be served.
        using var renewal = new TempDirectory();
        var renewed = TestCertificates.WriteRsa(renewal.Path, "site", "new.test");
        File.Move(renewed.KeyPath, files.KeyPath, overwrite: true);
        await Task.Delay(1200);
        Assert.Equal("subject=CN = old.test", await ServedSubject(port, "old.test"));
        File.Move(renewed.CertificatePath, files.CertificatePath, overwrite: true);

        Assert.True(await Eventually.HoldsAsync(async () => await ServedSubject(port, "new.test") == "subject=CN = new.test", TimeSpan.FromSeconds(15)),
            "the renewed certificate was not picked up");
    }

    [Fact]
    public async Task Expiry_is_reported_per_certificate_and_a_close_one_is_warned_about_at_start()
    {
        var soon = TestCertificates.WriteEcdsa(_directory.Path, "soon", "soon.test", validFor: TimeSpan.FromDays(10));
        var later = TestCertificates.WriteEcdsa(_directory.Path, "later", "later.test", validFor: TimeSpan.FromDays(200));
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Sni"] = new JsonObject
        {
            ["soon.test"] = new JsonObject { ["Certificate"] = PemCertificate(soon) },
            ["*"] = new JsonObject { ["Certificate"] = PemCertificate(later) },
        };
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        var certificates = (await proxy.GetStatusAsync())["tls"]!["certificates"]!.AsArray();
        var soonStatus = certificates.Single(c => (string?)c!["subject"] == "CN=soon.test")!;
        Assert.Equal("Kestrel:Endpoints:Https:Sni:soon.test:Certificate", (string?)soonStatus["key"]);
        Assert.InRange((double)soonStatus["daysLeft"]!, 8, 10);
        Assert.InRange((double)certificates.Single(c => (string?)c!["subject"] == "CN=later.test")!["daysLeft"]!, 198, 200);

        Assert.Contains(logs.Lines, l => l.Contains("Certificate Kestrel:Endpoints:Https:Sni:soon.test:Certificate (CN=soon.test) expires", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("(CN=later.test) expires", StringComparison.Ordinal));

        Assert.Contains("edgeproxy_certificate_expiry_seconds{certificate=\"Kestrel:Endpoints:Https:Sni:soon.test:Certificate\",subject=\"CN=soon.test\"}", await proxy.GetMetricsAsync());
    }
}
