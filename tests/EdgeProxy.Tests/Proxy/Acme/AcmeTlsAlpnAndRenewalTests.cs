using System.Globalization;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.Acme.AcmeTestProxy;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>TLS-ALPN-01 answered in the handshake, renewal when the clock reaches it, and badNonce retries, against pebble.</summary>
public sealed class AcmeTlsAlpnAndRenewalTests
{
    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_certificate_is_issued_with_tls_alpn01_in_the_handshake_of_the_https_listener()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address, new JsonObject { ["direct"] = Certificate("TlsAlpn01", "direct.example.com") }));

        var status = await WaitForStateAsync(proxy, "direct", "valid", pebble);
        Assert.Equal("TlsAlpn01", (string?)status["challenge"]);
        // Proven in the handshake alone: pebble never asked over HTTP.
        Assert.DoesNotContain(pebble.Output, line => line.Contains("Attempting to validate w/ HTTP", StringComparison.Ordinal));

        using var served = await ServedCertificateAsync(pebble.TlsPort, "direct.example.com");
        Assert.Equal((string?)status["serialNumber"], served.SerialNumber);
        // The challenge certificate is gone once validated: a handshake offering acme-tls/1 now gets the issued one.
        Assert.DoesNotContain(served.Extensions.Cast<System.Security.Cryptography.X509Certificates.X509Extension>(), e => e.Oid?.Value == "1.3.6.1.5.5.7.1.31");
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_certificate_is_renewed_when_a_third_of_its_lifetime_is_left_and_served_without_restart()
    {
        // Twenty-second certificates: renewal is due about 13 s after issuance.
        await using var pebble = await PebbleServer.StartAsync(validity: TimeSpan.FromSeconds(20));
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address, new JsonObject { ["site"] = Certificate("Http01", "renew.example.com") }));

        var first = await WaitForStateAsync(proxy, "site", "valid", pebble);
        var notBefore = DateTimeOffset.Parse((string)first["notBefore"]!, CultureInfo.InvariantCulture);
        var notAfter = DateTimeOffset.Parse((string)first["notAfter"]!, CultureInfo.InvariantCulture);
        var renewal = DateTimeOffset.Parse((string)first["nextRenewal"]!, CultureInfo.InvariantCulture);
        var third = (notAfter - notBefore) / 3;
        // A third of the lifetime left, less at most 2 % of it as jitter.
        Assert.InRange(notAfter - renewal, third, third + ((notAfter - notBefore) * 0.02) + TimeSpan.FromMilliseconds(1));

        JsonObject? renewed = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            renewed = CertificateStatus(await AcmeStatusAsync(proxy), "site");
            return (string?)renewed["state"] == "valid" && (string?)renewed["serialNumber"] != (string?)first["serialNumber"];
        }, TimeSpan.FromSeconds(60)), $"not renewed: {renewed?.ToJsonString()}");

        using var served = await ServedCertificateAsync(pebble.TlsPort, "renew.example.com");
        var servedSerials = new[] { (string?)renewed!["serialNumber"], (string?)CertificateStatus(await AcmeStatusAsync(proxy), "site")["serialNumber"] };
        Assert.Contains(served.SerialNumber, servedSerials);
        Assert.NotEqual((string?)first["serialNumber"], served.SerialNumber);
        Assert.True(DateTimeOffset.Parse((string)renewed["nextRenewal"]!, CultureInfo.InvariantCulture) > DateTimeOffset.Parse((string)renewed["lastSuccessAt"]!, CultureInfo.InvariantCulture));
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_replica_sharing_the_acme_folder_serves_the_certificate_another_one_renewed_instead_of_ordering()
    {
        await using var pebble = await PebbleServer.StartAsync(validity: TimeSpan.FromSeconds(20));
        await using var backend = await TestBackend.StartAsync("b");
        using var shared = new TempDirectory();
        var certificates = new JsonObject { ["site"] = Certificate("Http01", "shared.example.com") };
        var first = Config(pebble, backend.Address, certificates.DeepClone().AsObject());
        first["EdgeProxy"]!["DataPath"] = shared.Path;
        await using var ordering = await ProxyUnderTest.StartAsync(first);
        var issued = await WaitForStateAsync(ordering, "site", "valid", pebble);

        // The second replica listens where pebble does not validate, and is due later (RenewBefore 3 s of 20):
        // by then the first has renewed into the shared folder.
        var second = Config(pebble, backend.Address, certificates.DeepClone().AsObject(), acme => acme["RenewBefore"] = "00:00:03");
        second["Kestrel"]!["Endpoints"]!["Http"]!["Url"] = "http://127.0.0.1:0";
        second["Kestrel"]!["Endpoints"]!["Https"]!["Url"] = "https://127.0.0.1:0";
        second["EdgeProxy"]!["DataPath"] = shared.Path;
        await using var replica = await ProxyUnderTest.StartAsync(second);
        Assert.Equal((string?)issued["serialNumber"], (string?)CertificateStatus(await AcmeStatusAsync(replica), "site")["serialNumber"]);

        JsonObject? adopted = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            adopted = CertificateStatus(await AcmeStatusAsync(replica), "site");
            return (string?)adopted["serialNumber"] != (string?)issued["serialNumber"];
        }, TimeSpan.FromSeconds(40)), $"replica still serves {adopted?.ToJsonString()}");
        var replicaStatus = await AcmeStatusAsync(replica);
        Assert.Equal(0, (int)replicaStatus["ordersSucceeded"]! + (int)replicaStatus["ordersFailed"]!);
        Assert.Equal("valid", (string?)adopted!["state"]);
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task An_expired_certificate_is_still_served_and_makes_readiness_degraded()
    {
        await using var pebble = await PebbleServer.StartAsync(validity: TimeSpan.FromSeconds(6));
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address, new JsonObject { ["site"] = Certificate("Http01", "short.example.com") }));
        var status = await WaitForStateAsync(proxy, "site", "valid", pebble);
        await pebble.StopCaAsync();

        var notAfter = DateTimeOffset.Parse((string)status["notAfter"]!, CultureInfo.InvariantCulture);
        string ready = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            ready = await proxy.Admin.GetStringAsync("/readyz");
            return ready.Contains("acme: Degraded", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30)), ready);
        Assert.True(DateTimeOffset.UtcNow > notAfter);
        Assert.Contains("expired ACME certificate(s), still served: site", ready, StringComparison.Ordinal);

        using var served = await ServedCertificateAsync(pebble.TlsPort, "short.example.com");
        Assert.Equal((string?)status["serialNumber"], served.SerialNumber);
        Assert.True((bool)CertificateStatus(await AcmeStatusAsync(proxy), "site")["expired"]!);
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task Bad_nonces_are_retried_with_the_fresh_nonce_and_the_order_completes()
    {
        // Pebble refuses a fifth of good nonces as badNonce.
        await using var pebble = await PebbleServer.StartAsync(nonceRejectPercent: 20);
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address, new JsonObject
        {
            ["one"] = Certificate("Http01", "one.example.com"),
            ["two"] = Certificate("Http01", "two.example.com"),
        }));

        await WaitForStateAsync(proxy, "one", "valid", pebble);
        await WaitForStateAsync(proxy, "two", "valid", pebble);
        Assert.Equal(0, (int)(await AcmeStatusAsync(proxy))["ordersFailed"]!);
    }
}
