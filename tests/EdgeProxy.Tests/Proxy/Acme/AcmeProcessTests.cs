using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.Acme.AcmeTestProxy;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>The built proxy (also the native build in CI) ordering from pebble: the ACME path is trim- and AOT-safe.</summary>
[Trait("Process", "Separate")]
public sealed class AcmeProcessTests
{
    [RequiresCommandFact(PebbleServer.Command)]
    public async Task The_built_proxy_obtains_a_dns01_wildcard_and_an_http01_certificate_and_serves_them_by_sni()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var api = await FakeCloudflareDnsApi.StartAsync(pebble);
        await using var backend = await TestBackend.StartAsync("b");
        var config = Config(pebble, backend.Address, new JsonObject
        {
            ["site"] = Certificate("Http01", "www.example.com"),
            ["wild"] = Certificate("Dns01", "*.example.net"),
        }, acme => acme["Dns01"] = new JsonObject
        {
            ["ApiToken"] = "good-token",
            ["ApiUrl"] = api.ApiUrl,
            ["Resolvers"] = new JsonArray($"127.0.0.1:{pebble.DnsPort}"),
        });
        ((JsonObject)config["EdgeProxy"]!["Acme"]!["Certificates"]!["site"]!)["KeyType"] = "Rsa2048";
        await using var proxy = await ProxyServerProcess.StartAsync(config, ports: (pebble.HttpPort, pebble.TlsPort));

        JsonArray? certificates = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var status = JsonNode.Parse(await proxy.Admin.GetStringAsync("/status"))!;
            certificates = status["acme"]!["certificates"]!.AsArray();
            return certificates.All(c => (string?)c!["state"] == "valid");
        }, TimeSpan.FromSeconds(60)), $"{certificates?.ToJsonString()}\n{proxy.Output}");

        using var site = await ServedCertificateAsync(pebble.TlsPort, "www.example.com");
        using var wild = await ServedCertificateAsync(pebble.TlsPort, "x.example.net");
        Assert.Equal((string?)certificates!.Single(c => (string?)c!["name"] == "site")!["serialNumber"], site.SerialNumber);
        Assert.Equal((string?)certificates!.Single(c => (string?)c!["name"] == "wild")!["serialNumber"], wild.SerialNumber);
        Assert.NotNull(site.GetRSAPublicKey());
        Assert.NotNull(wild.GetECDsaPublicKey());
        Assert.Contains("edgeproxy_acme_orders_total{result=\"success\"} 2", await proxy.Admin.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
