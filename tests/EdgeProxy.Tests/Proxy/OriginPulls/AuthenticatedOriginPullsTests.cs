using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Proxy.OriginPulls;

/// <summary>
/// Authenticated Origin Pulls from outside: client certificates made with openssl (one CA playing Cloudflare's, one
/// other CA), presented with <c>openssl s_client</c> and HttpClient, in each <c>Mode</c>. The peers 127.0.0.1 (openssl)
/// and 127.0.0.2 are inside the trusted networks here, so only the certificate decides.
/// </summary>
public sealed class AuthenticatedOriginPullsTests : IAsyncLifetime
{
    private const string Request = "GET /ip HTTP/1.1\r\nHost: localhost\r\nCF-Connecting-IP: 203.0.113.7\r\nConnection: close\r\n\r\n";

    private readonly TempDirectory _directory = new();
    private ClientCertificatePki _cloudflare = null!;
    private ClientCertificatePki _other = null!;
    private ClientCertificatePki.ClientCertificate _pulled = null!;
    private ClientCertificatePki.ClientCertificate _otherZone = null!;
    private ClientCertificatePki.ClientCertificate _foreign = null!;

    public async Task InitializeAsync()
    {
        _cloudflare = await ClientCertificatePki.CreateAsync(_directory.Path, "cloudflare");
        _other = await ClientCertificatePki.CreateAsync(_directory.Path, "other");
        _pulled = await _cloudflare.IssueAsync("zone");
        _otherZone = await _cloudflare.IssueAsync("other-zone");
        _foreign = await _other.IssueAsync("foreign");
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    private JsonObject ConfigFor(TestBackend backend, string mode, params string[] allowed)
    {
        var config = Config(backend, c => c["TrustedNetworks"] = new JsonArray("127.0.0.1/32", "127.0.0.2/32"));
        config["EdgeProxy"]!["Cloudflare"] = new JsonObject
        {
            ["AuthenticatedOriginPulls"] = new JsonObject
            {
                ["Mode"] = mode,
                ["CaPath"] = _cloudflare.CaPath,
                ["AllowedCertificates"] = new JsonArray([.. allowed.Select(a => (JsonNode?)a)]),
            },
        };
        return config;
    }

    private static Task<OpenSslCli.Result> PullAsync(ProxyUnderTest proxy, ClientCertificatePki.ClientCertificate? certificate) =>
        OpenSslCli.ClientAsync(proxy.HttpsUri!.Port,
            "-servername localhost -ign_eof" + (certificate is null ? "" : $" -cert {certificate.CertificatePath} -key {certificate.KeyPath}"),
            input: Request);

    private static HttpClient ClientWith(ProxyUnderTest proxy, ClientCertificatePki.ClientCertificate? certificate) =>
        LoopbackClient.Create(Trusted, proxy.HttpsUri!, configure: LoopbackClient.Tls(certificate?.Certificate));

    private static async Task<JsonObject> StatusAsync(ProxyUnderTest proxy) => (await proxy.GetStatusAsync())["authenticatedOriginPulls"]!.AsObject();

    [RequiresCommandFact("openssl")]
    public async Task Require_serves_only_handshakes_with_a_certificate_from_the_ca()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Require"));

        var valid = await PullAsync(proxy, _pulled);
        Assert.Contains("HTTP/1.1 200", valid.Output);
        Assert.Equal("203.0.113.7", backend.LastHeaders!["X-Real-IP"].ToString());

        foreach (var refused in new[] { await PullAsync(proxy, null), await PullAsync(proxy, _foreign) })
        {
            Assert.DoesNotContain("HTTP/1.1", refused.Output);
        }

        var status = await StatusAsync(proxy);
        Assert.Equal("Require", status["mode"]!.GetValue<string>());
        Assert.Equal(1, status["verified"]!.GetValue<long>());
        Assert.Equal(1, status["missing"]!.GetValue<long>());
        Assert.Equal(1, status["refused"]!.GetValue<long>());
        Assert.Equal(1, await proxy.MetricAsync("edgeproxy_origin_pull_handshakes_total{result=\"refused\"}"));
    }

    [Fact]
    public async Task Require_serves_http2_from_a_verified_peer()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Require"));
        using var client = ClientWith(proxy, _pulled);

        Assert.Equal("203.0.113.7", (await SendAsync(client, backend, HttpVersion.Version20, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        Assert.Equal("198.51.100.9", (await SendAsync(client, backend, HttpVersion.Version20, ("CF-Connecting-IP", "198.51.100.9")))["X-Real-IP"]);
    }

    [RequiresCommandFact("openssl")]
    public async Task Every_https_listener_asks_for_the_certificate_sni_ones_included()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = ConfigFor(backend, "Require");
        var site = TestCertificates.WriteEcdsa(_directory.Path, "site", "site.test");
        var endpoints = config["Kestrel"]!["Endpoints"]!.AsObject();
        endpoints["Sni"] = new JsonObject
        {
            ["Url"] = "https://127.0.0.1:0",
            ["Sni"] = new JsonObject { ["*"] = new JsonObject { ["Certificate"] = new JsonObject { ["Path"] = site.CertificatePath, ["KeyPath"] = site.KeyPath } } },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var ports = proxy.PublicUris.Where(u => u.Scheme == "https").Select(u => u.Port).ToList();
        Assert.Equal(2, ports.Count);

        foreach (var port in ports)
        {
            Assert.DoesNotContain("HTTP/1.1", (await OpenSslCli.ClientAsync(port, "-servername site.test -ign_eof", input: Request)).Output);
            var valid = await OpenSslCli.ClientAsync(port, $"-servername site.test -ign_eof -cert {_pulled.CertificatePath} -key {_pulled.KeyPath}", input: Request);
            Assert.Contains("HTTP/1.1 200", valid.Output);
        }

        var status = await StatusAsync(proxy);
        Assert.Equal((2, 2), (status["verified"]!.GetValue<long>(), status["missing"]!.GetValue<long>()));
    }

    [RequiresCommandFact("openssl")]
    public async Task A_resumed_session_is_judged_on_the_certificate_of_its_first_handshake()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Require"));

        // Cloudflare resumes TLS sessions to the origin; -reconnect makes one full handshake, then five resumptions.
        var result = await OpenSslCli.ClientAsync(proxy.HttpsUri!.Port, $"-servername localhost -tls1_2 -reconnect -cert {_pulled.CertificatePath} -key {_pulled.KeyPath}");

        Assert.True(result.CountReused("TLSv1.2") > 0, result.Output);
        var status = await StatusAsync(proxy);
        Assert.Equal((6, 0, 0), (status["verified"]!.GetValue<long>(), status["missing"]!.GetValue<long>(), status["refused"]!.GetValue<long>()));
    }

    [RequiresCommandFact("openssl")]
    public async Task A_resumed_tls13_session_after_one_response_is_judged_on_the_certificate_of_its_first_handshake()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Require"));

        // One request per connection, read until the proxy closes, then the next connection resumes (issue 32).
        var result = await OpenSslCli.TimeAsync(proxy.HttpsUri!.Port, $"-www / -reuse -tls1_3 -time 1 -cert {_pulled.CertificatePath} -key {_pulled.KeyPath}");

        var connections = result.Resumed + result.Full;
        Assert.True(connections >= 5 && result.Resumed >= connections * 9 / 10, $"{result.Resumed} of {connections} resumed:\n{result.Output}");
        var status = await StatusAsync(proxy);
        // s_time's first connection, the full handshake it resumes from, prints no mark.
        Assert.Equal((connections + 1L, 0L, 0L), (status["verified"]!.GetValue<long>(), status["missing"]!.GetValue<long>(), status["refused"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Verify_serves_every_handshake_but_believes_the_header_only_with_a_valid_certificate()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Verify"));

        using (var valid = ClientWith(proxy, _pulled))
        {
            Assert.Equal("203.0.113.7", (await SendAsync(valid, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        }

        foreach (var certificate in new[] { null, _foreign })
        {
            using var client = ClientWith(proxy, certificate);
            var seen = await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7"), ("CF-IPCountry", "NZ"));
            Assert.Equal("127.0.0.2", seen["X-Real-IP"]);
            Assert.Null(seen["CF-IPCountry"]); // an unproven peer is an untrusted one
        }

        var status = await StatusAsync(proxy);
        Assert.Equal((1, 1, 1), (status["verified"]!.GetValue<long>(), status["missing"]!.GetValue<long>(), status["refused"]!.GetValue<long>()));
        Assert.Equal(2, await proxy.MetricAsync("edgeproxy_client_ip_untrusted_header_total"));
    }

    [Fact]
    public async Task Pinned_fingerprints_let_only_the_zones_own_certificate_through()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Verify", await _pulled.FingerprintAsync()));

        using (var pinned = ClientWith(proxy, _pulled))
        {
            Assert.Equal("203.0.113.7", (await SendAsync(pinned, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        }

        using var sameCa = ClientWith(proxy, _otherZone); // signed by the same shared CA: another Cloudflare customer
        Assert.Equal("127.0.0.2", (await SendAsync(sameCa, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        Assert.Equal(1, (await StatusAsync(proxy))["refused"]!.GetValue<long>());
    }

    [RequiresCommandFact("openssl")]
    public async Task A_client_certificate_naming_download_addresses_makes_the_handshake_fetch_nothing()
    {
        // Anyone can present a certificate whose issuer the proxy does not know and that names where to download it
        // (and a revocation list). The TLS stack's own chain check, before the proxy's, would fetch those synchronously
        // on the connection's event thread: a client choosing a slow address would stall every connection there.
        var fetched = 0;
        var (recorder, recorderUri) = await LoopbackApp.StartAsync(context =>
        {
            Interlocked.Increment(ref fetched);
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        await using var _ = recorder;
        var lure = await _other.IssueAsync("lure", $"authorityInfoAccess=caIssuers;URI:{recorderUri}ca.crt\ncrlDistributionPoints=URI:{recorderUri}ca.crl\n");
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Verify"));

        // openssl as the client: .NET's client would itself fetch the issuer to send the chain.
        Assert.Contains("HTTP/1.1 200", (await PullAsync(proxy, lure)).Output);
        Assert.Equal("127.0.0.1", backend.LastHeaders!["X-Real-IP"].ToString());
        Assert.Equal(1, (await StatusAsync(proxy))["refused"]!.GetValue<long>());
        Assert.Equal(0, Volatile.Read(ref fetched));
    }

    [Fact]
    public async Task A_valid_certificate_does_not_make_an_untrusted_address_trusted()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = ConfigFor(backend, "Verify");
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.3/32");
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var client = ClientWith(proxy, _pulled);

        Assert.Equal("127.0.0.2", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        Assert.Equal(1, (await StatusAsync(proxy))["verified"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_plain_http_listener_has_no_certificate_so_its_header_is_not_believed()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Verify"));
        using var client = proxy.HttpFrom(Trusted);

        Assert.Equal("127.0.0.2", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
    }

    [Fact]
    public async Task Off_asks_for_no_certificate_and_the_address_alone_decides()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFor(backend, "Off"));
        using var client = ClientWith(proxy, null);

        Assert.Equal("203.0.113.7", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
        var status = await StatusAsync(proxy);
        Assert.Equal((0, 0, 0), (status["verified"]!.GetValue<long>(), status["missing"]!.GetValue<long>(), status["refused"]!.GetValue<long>()));
    }

    [Fact]
    public async Task The_shipped_ca_is_cloudflares_origin_pull_ca()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = ConfigFor(backend, "Verify");
        config["EdgeProxy"]!["Cloudflare"]!["AuthenticatedOriginPulls"]!.AsObject().Remove("CaPath");
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        var status = await StatusAsync(proxy);
        Assert.Equal("shipped", status["ca"]!.GetValue<string>());
        var authority = status["authorities"]!.AsArray().Single()!;
        Assert.Contains("CN=origin-pull.cloudflare.net", authority["subject"]!.GetValue<string>());
        Assert.Equal("9A1AC2B4BE15F9F27EEE20A734CBA4E9898F61001B3BD7C84B69B56A3E25A2B9", authority["sha256"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2029, 11, 1, 17, 0, 0, TimeSpan.Zero), authority["notAfter"]!.GetValue<DateTimeOffset>());
        using var client = ClientWith(proxy, _pulled); // the test CA is not Cloudflare's
        Assert.Equal("127.0.0.2", (await SendAsync(client, backend, ("CF-Connecting-IP", "203.0.113.7")))["X-Real-IP"]);
    }
}
