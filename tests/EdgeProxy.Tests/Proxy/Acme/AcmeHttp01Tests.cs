using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeProxy.Acme;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static EdgeProxy.Tests.Proxy.Acme.AcmeTestProxy;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>HTTP-01 against pebble: issuance, SNI serving without restart, restart without reorder, the CA down.</summary>
public sealed class AcmeHttp01Tests
{
    private const string Name = "app.example.com";

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_certificate_is_issued_with_http01_and_served_by_sni_without_restart_to_a_client_trusting_only_the_ca()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address, new JsonObject { ["site"] = Certificate("Http01", Name, "www.example.com") }));

        var status = await WaitForStateAsync(proxy, "site", "valid", pebble);
        Assert.Null((string?)status["lastError"]);
        Assert.Equal("Http01", (string?)status["challenge"]);

        // Served on the running listener for both names; any other name still gets the listener's own certificate.
        using var served = await ServedCertificateAsync(pebble.TlsPort, Name);
        using var servedWww = await ServedCertificateAsync(pebble.TlsPort, "www.example.com");
        using var other = await ServedCertificateAsync(pebble.TlsPort, "localhost");
        Assert.Equal((string?)status["serialNumber"], served.SerialNumber);
        Assert.Equal(served.Thumbprint, servedWww.Thumbprint);
        Assert.Equal(proxy.ExpectedCertificate!.Thumbprint, other.Thumbprint);
        Assert.Contains(Name, served.GetNameInfo(X509NameType.DnsName, false), StringComparison.Ordinal);

        // A client that trusts pebble's issuing root and nothing else gets through to the backend.
        using var root = await pebble.IssuingRootAsync();
        using var client = ClientTrusting(pebble.TlsPort, [root]);
        using var response = await client.GetAsync($"https://{Name}:{pebble.TlsPort}/hello");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Stored for the next start: the key private to the proxy's user.
        var storage = proxy.Services.GetRequiredService<AcmeStorage>();
        Assert.True(File.Exists(storage.ChainPath("site")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storage.KeyPath("site")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storage.AccountKeyPath));
        }

        var metrics = await proxy.Admin.GetStringAsync("/metrics");
        Assert.Contains("edgeproxy_acme_orders_total{result=\"success\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("edgeproxy_acme_certificate_expiry_seconds{certificate=\"site\"}", metrics, StringComparison.Ordinal);
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_restart_serves_the_stored_certificate_at_once_and_orders_nothing()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var backend = await TestBackend.StartAsync("b");
        using var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, Config(pebble, backend.Address, new JsonObject { ["site"] = Certificate("Http01", Name) }).ToJsonString());

        string serial;
        await using (var first = await ProxyUnderTest.StartAsync(directory, configPath))
        {
            serial = (string)(await WaitForStateAsync(first, "site", "valid", pebble))["serialNumber"]!;
        }

        await using var second = await ProxyUnderTest.StartAsync(directory, configPath);
        var acme = await AcmeStatusAsync(second);
        var status = CertificateStatus(acme, "site");
        Assert.Equal("valid", (string?)status["state"]);
        Assert.Equal(serial, (string?)status["serialNumber"]);
        using var served = await ServedCertificateAsync(pebble.TlsPort, Name);
        Assert.Equal(serial, served.SerialNumber);

        // Nothing ordered, and nothing due for years (pebble's certificates are long-lived).
        await Task.Delay(TimeSpan.FromSeconds(1));
        acme = await AcmeStatusAsync(second);
        Assert.Equal(0, (int)acme["ordersSucceeded"]!);
        Assert.Equal(0, (int)acme["ordersFailed"]!);
        Assert.True(DateTimeOffset.Parse((string)CertificateStatus(acme, "site")["nextRenewal"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddDays(1));
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task With_the_ca_down_the_stored_certificate_is_still_served_the_error_shows_and_the_retry_backs_off()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var backend = await TestBackend.StartAsync("b");
        using var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, Config(pebble, backend.Address, new JsonObject { ["site"] = Certificate("Http01", Name) }).ToJsonString());
        string serial;
        await using (var first = await ProxyUnderTest.StartAsync(directory, configPath))
        {
            serial = (string)(await WaitForStateAsync(first, "site", "valid", pebble))["serialNumber"]!;
        }

        // A name added while the CA is down: an order is due at once and cannot succeed.
        await pebble.StopCaAsync();
        await File.WriteAllTextAsync(configPath, Config(pebble, backend.Address, new JsonObject { ["site"] = Certificate("Http01", Name, "new.example.com") }).ToJsonString());
        await using var second = await ProxyUnderTest.StartAsync(directory, configPath);

        var status = await WaitForStateAsync(second, "site", "failed", pebble);
        Assert.Contains("cannot be reached", (string?)status["lastError"], StringComparison.Ordinal);
        Assert.Equal(1, (int)status["consecutiveFailures"]!);
        var lastAttempt = DateTimeOffset.Parse((string)status["lastAttemptAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        var next = DateTimeOffset.Parse((string)status["nextRenewal"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(next - lastAttempt >= AcmeCertificateManager.FirstRetryDelay, $"next attempt {next:O} only {next - lastAttempt} after the failed one");

        using var served = await ServedCertificateAsync(pebble.TlsPort, Name);
        Assert.Equal(serial, served.SerialNumber);

        // No retry storm: still the one failure a moment later.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, (int)(await AcmeStatusAsync(second))["ordersFailed"]!);
        using var ready = await second.Admin.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task The_challenge_is_answered_on_http_and_https_before_the_https_redirect()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var backend = await TestBackend.StartAsync("b");
        // The CA is never asked here (no certificate configured): the challenge is placed by hand.
        var config = Config(pebble, backend.Address, new JsonObject());
        config["EdgeProxy"]!["HttpsRedirect"] = true;
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        proxy.Services.GetRequiredService<AcmeChallenges>().AddHttpToken("tok-1", "tok-1.thumb");

        Assert.Equal("200 tok-1.thumb", await proxy.GetTextAsync(proxy.Http, "/.well-known/acme-challenge/tok-1"));
        Assert.Equal("200 tok-1.thumb", await proxy.GetTextAsync(proxy.Https, "/.well-known/acme-challenge/tok-1"));
        using var unknown = await proxy.Http.GetAsync("/.well-known/acme-challenge/other");
        Assert.InRange((int)unknown.StatusCode, 300, 399); // anything else still meets the redirect
    }
}
