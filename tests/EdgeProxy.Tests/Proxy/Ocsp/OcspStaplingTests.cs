using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Ocsp;

/// <summary>OCSP stapling seen from outside (<c>openssl s_client -status</c>) against a real responder on loopback.</summary>
[Trait("Process", "Separate")]
public sealed class OcspStaplingTests : OcspTestPkiFixture
{
    private JsonObject Config(TestCertificates.PemFiles leaf, Action<JsonObject>? tls = null)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Certificate"] = new JsonObject { ["Path"] = leaf.CertificatePath, ["KeyPath"] = leaf.KeyPath };
        var section = new JsonObject { ["OcspRetryInterval"] = "00:00:01" };
        tls?.Invoke(section);
        config["EdgeProxy"]!["Tls"] = section;
        return config;
    }

    private static async Task<string> StapleAsync(int port, string? serverName = null) =>
        (await OpenSslCli.ClientAsync(port, $"-status {(serverName is null ? "" : "-servername " + serverName)}")).Output;

    private static async Task<JsonNode> OcspStatusAsync(ProxyServerProcess server) => (await server.GetStatusAsync())["ocsp"]!;

    private static async Task<string> StateOf(ProxyServerProcess server, int index = 0) =>
        (string)(await OcspStatusAsync(server))["certificates"]![index]!["state"]!;

    private static Task<string> ReadyzAsync(ProxyServerProcess server) => server.GetAdminTextAsync("/readyz");

    [Fact]
    public async Task An_idle_proxy_refreshes_its_staple_before_it_expires()
    {
        Pki.ValidityMinutes = 1; // refreshed at half-life: about 30 s after start
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf), Directory);
        var first = (await OcspStatusAsync(server))["certificates"]![0]!;
        var firstExpiry = first["nextUpdate"]!.GetValue<DateTimeOffset>();

        // No client until the first response has expired: only the proxy's own timer can have refreshed the staple.
        Assert.True(await Eventually.HoldsAsync(async () => (string?)(await OcspStatusAsync(server))["certificates"]![0]!["thisUpdate"] != (string?)first["thisUpdate"], TimeSpan.FromSeconds(75)),
            "the staple was not refreshed");
        var untilExpired = firstExpiry - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        if (untilExpired > TimeSpan.Zero)
        {
            await Task.Delay(untilExpired);
        }

        var output = await StapleAsync(server.HttpsPort, "site.test");
        Assert.Contains("Cert Status: good", output);
        var nextUpdate = System.Text.RegularExpressions.Regex.Match(output, @"Next Update: (.+)").Groups[1].Value.Trim();
        Assert.True(DateTime.TryParseExact(nextUpdate.Replace("  ", " ", StringComparison.Ordinal), "MMM d HH:mm:ss yyyy 'GMT'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var next), nextUpdate);
        Assert.True(next > DateTime.UtcNow, $"the stapled response has expired: Next Update {nextUpdate}");
    }

    [Fact]
    public async Task With_the_responder_down_at_start_handshakes_work_and_a_staple_appears_once_it_is_back()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.Available = false;
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf), Directory);

        var first = await OpenSslCli.ClientAsync(server.HttpsPort, "-status -servername site.test");
        Assert.NotNull(first.Negotiated);
        Assert.Contains("OCSP response: no response sent", first.Output);
        Assert.Equal("responder-unreachable", await StateOf(server));
        Assert.StartsWith("200", await ReadyzAsync(server)); // best effort: not ready-blocking

        Pki.Available = true;
        Assert.True(await Eventually.HoldsAsync(async () => (await StapleAsync(server.HttpsPort, "site.test")).Contains("Cert Status: good"), TimeSpan.FromSeconds(20)),
            $"no staple after the responder came back:\n{server.Output}");
        Assert.Equal("stapled-good", await StateOf(server));
    }

    [Fact]
    public async Task A_restart_while_the_responder_is_down_staples_the_response_kept_on_disk()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        await using (var first = await ProxyServerProcess.StartAsync(Config(leaf), Directory))
        {
            Assert.Contains("Cert Status: good", await StapleAsync(first.HttpsPort, "site.test"));
        }

        Pki.Available = false;
        await using var second = await ProxyServerProcess.StartAsync(Config(leaf), Directory);
        Assert.Contains("Cert Status: good", await StapleAsync(second.HttpsPort, "site.test"));
        var status = (await OcspStatusAsync(second))["certificates"]![0]!;
        Assert.Equal("stapled-good", (string?)status["state"]);
        Assert.NotNull(status["lastError"]); // and it says the responder is failing
    }

    [Fact]
    public async Task A_forged_answer_is_never_stapled_nor_kept_and_shows_as_invalid()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.Signer = OcspSigner.Stranger; // same name as the issuer, another key: what a man in the middle would send
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf), Directory);

        Assert.True(await Eventually.HoldsAsync(async () => await StateOf(server) == "invalid-response", TimeSpan.FromSeconds(10)), server.Output);
        Assert.Contains("OCSP response: no response sent", await StapleAsync(server.HttpsPort, "site.test"));
        var cache = Path.Combine(Directory.Path, "data", "ocsp");
        Assert.Empty(System.IO.Directory.Exists(cache) ? System.IO.Directory.GetFiles(cache) : []);
        Assert.True(await server.LogsAsync("invalid response: the response is signed neither by the certificate's issuer"), server.Output);
    }

    [Fact]
    public async Task A_renewal_while_the_first_answers_are_fetched_is_followed_too()
    {
        var first = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.AnswerDelay = TimeSpan.FromSeconds(5); // a slow responder: the first round outlasts the renewal check
        var config = Config(first, tls => tls["CertificateCheckInterval"] = "00:00:01");
        config["Logging"]!["LogLevel"]!["EdgeProxy.Tls"] = "Information"; // to see when the renewal is noticed
        var starting = ProxyServerProcess.StartAsync(config, Directory);

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref Pki.RequestsReceived) > 0), TimeSpan.FromSeconds(30)));
        var renewed = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Assert.Equal(0, Volatile.Read(ref Pki.RequestsServed)); // renewed while the first answer is still on its way
        await using var server = await starting;

        Assert.True(await server.LogsAsync("serving the renewed certificate"), server.Output);

        // Generous: a full suite on two cores.
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var staple = await StapleAsync(server.HttpsPort, "site.test");
            return staple.Contains($"Serial Number: {renewed.Certificate.SerialNumber}", StringComparison.Ordinal) && staple.Contains("Cert Status: good", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(90)), server.Output);

        // The TLS stack asked about the renewed certificate before the stapler had followed the renewal: answered, not
        // refused as a stranger's (a refused fetch is retried by the TLS stack only after a long back-off).
        Assert.DoesNotContain("is about no served certificate", server.Output);
    }

    [Fact]
    public async Task A_renewed_certificate_gets_its_own_staple_without_a_restart()
    {
        var first = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        await using var server = await ProxyServerProcess.StartAsync(Config(first, tls => tls["CertificateCheckInterval"] = "00:00:01"), Directory);
        Assert.Contains($"Serial Number: {first.Certificate.SerialNumber}", await StapleAsync(server.HttpsPort, "site.test"));

        var renewed = Pki.IssueLeaf(Directory.Path, "site", "site.test"); // the same files, a new certificate

        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var staple = await StapleAsync(server.HttpsPort, "site.test");
            return staple.Contains($"Serial Number: {renewed.Certificate.SerialNumber}", StringComparison.Ordinal) && staple.Contains("Cert Status: good", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60)), server.Output); // generous: under a full parallel suite on two cores the renewal check, rebind and fetch can take long
        Assert.Equal("stapled-good", await StateOf(server));
        Assert.DoesNotContain("is about no served certificate", server.Output); // the TLS stack's own fetch was answered
    }

    [Fact]
    public async Task A_revoked_certificate_is_reported_and_stapled_as_revoked()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.Revoke(leaf.Certificate);
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf), Directory);

        Assert.Equal("revoked", await StateOf(server));
        Assert.Contains("Cert Status: revoked", await StapleAsync(server.HttpsPort, "site.test"));
        Assert.True(await server.LogsAsync("the responder says Revoked"), server.Output);
    }

    [Fact]
    public async Task A_certificate_without_ocsp_url_is_not_applicable_and_one_without_its_issuer_cannot_be_stapled()
    {
        var noUrl = Pki.IssueLeaf(Directory.Path, "nourl", "nourl.test", withOcspUrl: false);
        var leafOnly = Pki.IssueLeaf(Directory.Path, "leafonly", "leafonly.test", fullChain: false);
        var config = Config(noUrl);
        config["Kestrel"]!["Endpoints"]!["Https"]!["Sni"] = new JsonObject
        {
            ["leafonly.test"] = new JsonObject { ["Certificate"] = new JsonObject { ["Path"] = leafOnly.CertificatePath, ["KeyPath"] = leafOnly.KeyPath } },
            ["*"] = new JsonObject { ["Certificate"] = new JsonObject { ["Path"] = noUrl.CertificatePath, ["KeyPath"] = noUrl.KeyPath } },
        };
        await using var server = await ProxyServerProcess.StartAsync(config, Directory);

        var certificates = (await OcspStatusAsync(server))["certificates"]!.AsArray();
        var byKey = certificates.ToDictionary(c => (string)c!["key"]!, c => c!);
        Assert.Equal("no-ocsp-url", (string?)byKey["Kestrel:Endpoints:Https:Certificate"]["state"]);
        Assert.Contains("names no OCSP responder", (string?)byKey["Kestrel:Endpoints:Https:Certificate"]["reason"]);
        Assert.Equal("chain-incomplete", (string?)byKey["Kestrel:Endpoints:Https:Sni:leafonly.test:Certificate"]["state"]);
        Assert.Contains("holds no issuer certificate", (string?)byKey["Kestrel:Endpoints:Https:Sni:leafonly.test:Certificate"]["reason"]);
        Assert.Contains("OCSP response: no response sent", await StapleAsync(server.HttpsPort, "other.test"));

        Assert.Equal(1, await server.MetricAsync("edgeproxy_ocsp_state{certificate=\"Kestrel:Endpoints:Https:Certificate\",state=\"no-ocsp-url\"}"));
    }

    [Fact]
    public async Task Sni_certificates_are_stapled_too()
    {
        var a = Pki.IssueLeaf(Directory.Path, "a", "a.test");
        var b = Pki.IssueLeaf(Directory.Path, "b", "b.test");
        var config = Config(a);
        config["Kestrel"]!["Endpoints"]!["Https"]!.AsObject().Remove("Certificate");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Sni"] = new JsonObject
        {
            ["a.test"] = new JsonObject { ["Certificate"] = new JsonObject { ["Path"] = a.CertificatePath, ["KeyPath"] = a.KeyPath } },
            ["b.test"] = new JsonObject { ["Certificate"] = new JsonObject { ["Path"] = b.CertificatePath, ["KeyPath"] = b.KeyPath } },
        };
        await using var server = await ProxyServerProcess.StartAsync(config, Directory);

        Assert.Contains("Cert Status: good", await StapleAsync(server.HttpsPort, "a.test"));
        Assert.Contains("Cert Status: good", await StapleAsync(server.HttpsPort, "b.test"));

        Assert.Contains("edgeproxy_ocsp_staple_expiry_seconds{certificate=\"Kestrel:Endpoints:Https:Sni:b.test:Certificate\"} ", await server.GetMetricsAsync());
    }

    [Fact]
    public async Task Must_staple_or_required_without_a_staple_is_not_ready()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test", mustStaple: true);
        Pki.Available = false;
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf), Directory, waitForReady: false);

        Assert.True(await Eventually.HoldsAsync(async () => (await ReadyzAsync(server)).Contains("no good staple for Kestrel:Endpoints:Https:Certificate (Must-Staple)"), TimeSpan.FromSeconds(20)));
        Assert.StartsWith("503", await ReadyzAsync(server));
        Assert.True(await server.LogsAsync("is Must-Staple but has no good staple"), server.Output);

        Pki.Available = true;
        Assert.True(await Eventually.HoldsAsync(async () => (await ReadyzAsync(server)).StartsWith("200", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Required_mode_is_not_ready_without_a_staple()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.Available = false;
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf, tls => tls["OcspStapling"] = "Required"), Directory, waitForReady: false);

        Assert.True(await Eventually.HoldsAsync(async () => (await ReadyzAsync(server)).StartsWith("503 Unhealthy", StringComparison.Ordinal) &&
            (await ReadyzAsync(server)).Contains("ocsp: Unhealthy - no good staple", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task The_first_handshake_after_start_carries_a_good_staple()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        await using var server = await ProxyServerProcess.StartAsync(Config(leaf), Directory);

        var output = await StapleAsync(server.HttpsPort, "site.test");

        Assert.Contains("OCSP Response Status: successful", output);
        Assert.Contains("Cert Status: good", output);
        var certificate = (await OcspStatusAsync(server))["certificates"]![0]!;
        Assert.Equal("stapled-good", (string?)certificate["state"]);
        Assert.NotNull(certificate["nextUpdate"]);
    }
}
