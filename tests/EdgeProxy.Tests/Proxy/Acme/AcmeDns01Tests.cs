using System.Net;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeProxy.Acme;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.Acme.AcmeTestProxy;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>DNS-01 through (a stand-in for) Cloudflare's API into pebble-challtestsrv's DNS, validated by pebble.</summary>
public sealed class AcmeDns01Tests
{
    private static Action<JsonObject> Dns01(PebbleServer pebble, FakeCloudflareDnsApi api, string token) => acme => acme["Dns01"] = new JsonObject
    {
        ["Provider"] = "Cloudflare",
        ["ApiToken"] = token,
        ["ApiUrl"] = api.ApiUrl,
        ["Resolvers"] = new JsonArray($"127.0.0.1:{pebble.DnsPort}"),
        ["PropagationTimeout"] = "00:00:20",
    };

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_wildcard_certificate_is_issued_with_dns01_and_every_record_is_deleted_afterwards()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var api = await FakeCloudflareDnsApi.StartAsync(pebble);
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address,
            new JsonObject { ["wild"] = Certificate("Dns01", "*.example.net", "example.net") }, Dns01(pebble, api, "good-token")));

        var status = await WaitForStateAsync(proxy, "wild", "valid", pebble);
        Assert.Equal("Dns01", (string?)status["challenge"]);
        Assert.Equal(2, api.Created); // one per authorization: the wildcard and the base name
        Assert.Empty(api.Records);
        Assert.Empty(await DnsTxtLookup.QueryAsync(new IPEndPoint(IPAddress.Loopback, pebble.DnsPort), "_acme-challenge.example.net", CancellationToken.None));

        // Served by SNI for any name under the wildcard, and for the base name.
        using var sub = await ServedCertificateAsync(pebble.TlsPort, "anything.example.net");
        using var apex = await ServedCertificateAsync(pebble.TlsPort, "example.net");
        Assert.Equal((string?)status["serialNumber"], sub.SerialNumber);
        Assert.Equal((string?)status["serialNumber"], apex.SerialNumber);
        using var deeper = await ServedCertificateAsync(pebble.TlsPort, "a.b.example.net");
        Assert.NotEqual((string?)status["serialNumber"], deeper.SerialNumber); // a wildcard covers one label only
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_refused_token_is_a_clear_error_and_is_not_retried_soon()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var api = await FakeCloudflareDnsApi.StartAsync(pebble);
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address,
            new JsonObject { ["wild"] = Certificate("Dns01", "*.example.net") }, Dns01(pebble, api, "wrong-token")));

        var status = await WaitForStateAsync(proxy, "wild", "failed", pebble);
        var error = (string)status["lastError"]!;
        Assert.Contains("Cloudflare refused the API token", error, StringComparison.Ordinal);
        Assert.Contains("10000 Authentication error", error, StringComparison.Ordinal);
        Assert.Contains("Zone:DNS:Edit", error, StringComparison.Ordinal);

        // Back off to the maximum at once: a wrong token does not fix itself.
        var next = DateTimeOffset.Parse((string)status["nextRenewal"]!, CultureInfo.InvariantCulture);
        var last = DateTimeOffset.Parse((string)status["lastAttemptAt"]!, CultureInfo.InvariantCulture);
        Assert.True(next - last >= AcmeCertificateManager.MaxRetryDelay - TimeSpan.FromSeconds(5), $"next attempt after {next - last}");
        var requests = api.Requests.Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(requests, api.Requests.Count);
        Assert.Equal(1, requests);
        Assert.Equal(0, api.Created);
    }

    [RequiresCommandFact(PebbleServer.Command)]
    public async Task A_name_in_no_zone_of_the_token_is_a_clear_error()
    {
        await using var pebble = await PebbleServer.StartAsync();
        await using var api = await FakeCloudflareDnsApi.StartAsync(pebble);
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(pebble, backend.Address,
            new JsonObject { ["other"] = Certificate("Dns01", "www.other.org") }, Dns01(pebble, api, "good-token")));

        var status = await WaitForStateAsync(proxy, "other", "failed", pebble);
        Assert.StartsWith("Cloudflare has no zone for _acme-challenge.www.other.org", (string?)status["lastError"], StringComparison.Ordinal);
        Assert.Equal(0, api.Created);
    }
}
