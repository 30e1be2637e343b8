using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tls;
using Microsoft.Extensions.Configuration;

namespace EdgeProxy.Tests.Proxy.Tls;

public sealed class FirstRunCertificateTests
{
    [Fact]
    public async Task Is_created_once_for_localhost_and_reused_after_a_restart()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.SingleCluster(backend.Address);
        using var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var certificatePath = Path.Combine(directory.Path, "data", FirstRunCertificate.FileName);

        byte[] first;
        await using (var proxy = await ProxyUnderTest.StartAsync(directory, configPath))
        {
            Assert.Equal("200 backend=app path=/", await proxy.GetTextAsync(proxy.Https, "/"));
            first = File.ReadAllBytes(certificatePath);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificatePath)); // it holds the private key
            }
            using var certificate = X509CertificateLoader.LoadPkcs12(first, null);
            Assert.Equal("CN=localhost", certificate.Subject);
            Assert.Contains("localhost", certificate.GetNameInfo(X509NameType.DnsName, false));
        }

        await using (var restarted = await ProxyUnderTest.StartAsync(directory, configPath))
        {
            Assert.Equal(first, File.ReadAllBytes(certificatePath));
            Assert.Equal("200 backend=app path=/", await restarted.GetTextAsync(restarted.Https, "/"));
        }
    }

    [Fact]
    public void Is_not_made_when_every_https_endpoint_has_a_certificate()
    {
        var configured = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://0.0.0.0:443",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = "site.pem",
            ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:80",
        }).Build();
        var missing = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://0.0.0.0:443",
        }).Build();

        Assert.False(FirstRunCertificate.IsNeeded(configured));
        Assert.True(FirstRunCertificate.IsNeeded(missing));
    }

    [Theory]
    [InlineData("https://0.0.0.0:8443", true)]
    [InlineData("https://*:8443", true)]
    [InlineData("https://[::]:8443", true)]
    [InlineData("https://127.0.0.1:8443", false)]
    [InlineData("https://localhost:8443", false)]
    [InlineData("https://[::1]:8443", false)]
    public void Serving_it_beyond_loopback_is_named_for_the_warning(string url, bool exposed)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Https:Url"] = url }).Build();

        Assert.Equal(exposed ? [url] : [], FirstRunCertificate.ExposedUrls(configuration));
    }
}
