using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Proxy.ClientIp;

/// <summary>
/// Headers backends believe (Cloudflare's own, Cloudflare Access identity, rewritten URL and scheme) never pass from a
/// peer that hits the origin directly, over HTTP/1.1 and HTTP/2, nor in their underscore spelling from anyone.
/// </summary>
public sealed class SpoofedHeaderTests
{
    private static readonly string[] CloudflareHeaders =
    [
        "CF-IPCountry", "CF-Ray", "CF-Visitor", "CF-Worker", "CF-Connecting-IPv6", "Cf-Access-Authenticated-User-Email",
        "Cf-Access-Jwt-Assertion", "cf-anything-new",
    ];

    private static readonly string[] RewriteHeaders =
    [
        "X-Original-URL", "X-Rewrite-URL", "X-Forwarded-Ssl", "X-Forwarded-Scheme", "Front-End-Https", "X-Url-Scheme",
    ];

    // The underscore twins CGI/WSGI/PHP map to the same variable as the real header.
    private static readonly string[] UnderscoreTwins =
    [
        "X_Forwarded_For", "X_Real_IP", "X_Forwarded_Proto", "X_Original_URL", "True_Client_IP", "CF_Connecting_IP",
        "Cf_Access_Authenticated_User_Email", "cf_ipcountry",
    ];

    public static TheoryData<string> Protocols => ["1.1", "2.0"];

    private static HttpClient ClientFor(ProxyUnderTest proxy, IPAddress from, string protocol) => protocol == "2.0"
        ? LoopbackClient.Create(from, proxy.HttpsUri!, configure: LoopbackClient.Tls()) // HTTP/2 by ALPN
        : proxy.HttpFrom(from);

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task From_an_untrusted_peer_no_cloudflare_rewrite_or_underscore_header_reaches_the_backend(string protocol)
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = ClientFor(proxy, Untrusted, protocol);

        var sent = CloudflareHeaders.Concat(RewriteHeaders).Concat(UnderscoreTwins).Select(name => (name, "spoofed")).Append(("X-Innocent", "kept")).ToArray();
        var seen = await SendAsync(client, backend, Version.Parse(protocol), sent);

        Assert.Equal("kept", seen["X-Innocent"]); // the client's own headers pass: the check can see a header arrive
        Assert.Empty(seen.Headers.Where(h => h.Value.ToString() == "spoofed").Select(h => h.Key));
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task From_a_trusted_peer_cloudflare_headers_pass_but_rewrite_and_underscore_headers_do_not(string protocol)
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = ClientFor(proxy, Trusted, protocol);

        var sent = RewriteHeaders.Concat(UnderscoreTwins).Select(name => (name, "spoofed"))
            .Concat([("CF-Connecting-IP", "203.0.113.7"), ("CF-IPCountry", "NZ"), ("CF-Ray", "8f0c1a2b3c4d5e6f-AKL"), ("CF-Visitor", "{\"scheme\":\"https\"}")]).ToArray();
        var seen = await SendAsync(client, backend, Version.Parse(protocol), sent);

        Assert.Equal("NZ", seen["CF-IPCountry"]);
        Assert.Equal("8f0c1a2b3c4d5e6f-AKL", seen["CF-Ray"]);
        Assert.Equal("{\"scheme\":\"https\"}", seen["CF-Visitor"]);
        Assert.Null(seen["CF-Connecting-IP"]); // consumed: the backend gets it as X-Forwarded-For / X-Real-IP
        Assert.Equal("203.0.113.7", seen["X-Real-IP"]);
        Assert.Empty(seen.Headers.Where(h => h.Value.ToString() == "spoofed").Select(h => h.Key));
    }

    [Fact]
    public async Task The_underscore_twin_of_a_custom_client_ip_header_is_dropped_too()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend, c => c["Header"] = "X-Edge-Client"));
        using var client = proxy.HttpFrom(Trusted);

        var seen = await SendAsync(client, backend, ("X-Edge-Client", "203.0.113.7"), ("X_Edge_Client", "6.6.6.6"));

        Assert.Equal("203.0.113.7", seen["X-Real-IP"]);
        Assert.Null(seen["X-Edge-Client"]);
        Assert.Null(seen["X_Edge_Client"]);
    }

    [Fact]
    public async Task Routes_matching_a_cloudflare_header_see_only_what_cloudflare_sent()
    {
        await using var main = await TestBackend.StartAsync("main");
        await using var nz = await TestBackend.StartAsync("nz");
        var config = Config(main);
        var reverseProxy = config["ReverseProxy"]!.AsObject();
        reverseProxy["Routes"]!["nz"] = new JsonObject
        {
            ["ClusterId"] = "nz",
            ["Match"] = new JsonObject
            {
                ["Path"] = "{**catch-all}",
                ["Headers"] = new JsonArray(new JsonObject { ["Name"] = "CF-IPCountry", ["Values"] = new JsonArray("NZ") }),
            },
        };
        reverseProxy["Clusters"]!["nz"] = new JsonObject { ["Destinations"] = TestConfig.Destinations(nz.Address) };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var untrusted = proxy.HttpFrom(Untrusted);
        using var trusted = proxy.HttpFrom(Trusted);

        Assert.StartsWith("200 backend=main", await GetAsync(untrusted));
        Assert.StartsWith("200 backend=nz", await GetAsync(trusted));

        async Task<string> GetAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("CF-IPCountry", "NZ");
            using var response = await client.SendAsync(request);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
    }
}
