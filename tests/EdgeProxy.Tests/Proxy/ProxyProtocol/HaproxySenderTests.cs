using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ProxyProtocol.ProxyProtocolScenario;

namespace EdgeProxy.Tests.Proxy.ProxyProtocol;

/// <summary>
/// A real sender: HAProxy in TCP mode (TLS passed through, <c>send-proxy-v2</c> and <c>send-proxy</c>) in front of the
/// proxy's HTTPS listener. Clients on 127.0.0.5 (a trusted network) and 127.0.0.6 (not) reach the proxy only through
/// HAProxy (127.0.0.3), over HTTP/1.1 and HTTP/2; everything judges the client, never HAProxy.
/// </summary>
public sealed class HaproxySenderTests
{
    private static readonly IPAddress TrustedClient = IPAddress.Parse("127.0.0.5");
    private static readonly IPAddress UntrustedClient = IPAddress.Parse("127.0.0.6");
    private static readonly IPAddress LockedOutClient = IPAddress.Parse("127.0.0.7");

    private static HttpClient ClientFrom(IPAddress address, Uri frontend) => LoopbackClient.Create(address, frontend, configure: LoopbackClient.Tls());

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, Version version, string? cfConnectingIp = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (cfConnectingIp is not null)
        {
            request.Headers.TryAddWithoutValidation("CF-Connecting-IP", cfConnectingIp);
        }

        var response = await client.SendAsync(request);
        Assert.Equal(version, response.Version);
        return response;
    }

    [RequiresHaproxyFact]
    public async Task Both_versions_carry_the_client_over_http1_and_http2_and_only_a_trusted_client_states_cf_connecting_ip()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Https"]);
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.5/32");
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        await using var haproxy = await HaproxySender.StartAsync(proxy.HttpsUri!.Port);

        foreach (var frontend in new[] { haproxy.V2, haproxy.V1 })
        {
            foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
            {
                var what = $"{frontend} {version}";
                using var untrusted = ClientFrom(UntrustedClient, frontend);
                using (var response = await GetAsync(untrusted, "/ip", version, cfConnectingIp: "198.51.100.77"))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.OK, what);
                }

                Assert.True("127.0.0.6" == backend.LastHeaders!["X-Forwarded-For"].ToString(), what);
                using var trusted = ClientFrom(TrustedClient, frontend);
                using (var response = await GetAsync(trusted, "/ip", version, cfConnectingIp: "198.51.100.77"))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.OK, what);
                }

                Assert.True("198.51.100.77" == backend.LastHeaders!["X-Forwarded-For"].ToString(), what);
            }
        }

        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("peer_ip") == "127.0.0.6" && r.Text("protocol") == "HTTP/2");
        Assert.Equal("127.0.0.3", record.Text("lb_ip"));
        Assert.Equal("127.0.0.6", record.Text("client_ip"));
        Assert.Equal("untrusted-peer", record.Text("client_ip_from"));
        var restored = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("peer_ip") == "127.0.0.5");
        Assert.Equal("198.51.100.77", restored.Text("client_ip"));
        Assert.Equal("127.0.0.3", restored.Text("lb_ip"));
        Assert.Equal(8, await proxy.MetricAsync("edgeproxy_proxy_protocol_accepted_total"));
    }

    [RequiresHaproxyFact]
    public async Task The_lock_and_an_allow_list_judge_the_client_behind_haproxy()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = Config(backend, ["Https"]);
        var edge = config["EdgeProxy"]!;
        edge["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.5/32", "127.0.0.6/32");
        edge["ClientIp"]!["RequireTrustedPeer"] = true;
        edge["AccessPolicies"] = new JsonObject { ["office"] = new JsonObject { ["AllowFrom"] = new JsonArray("127.0.0.5/32") } };
        config["ReverseProxy"]!["Routes"]!["private"] = new JsonObject
        {
            ["ClusterId"] = "main",
            ["AuthorizationPolicy"] = "office",
            ["Match"] = new JsonObject { ["Path"] = "/private/{**rest}" },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        await using var haproxy = await HaproxySender.StartAsync(proxy.HttpsUri!.Port);

        foreach (var frontend in new[] { haproxy.V2, haproxy.V1 })
        {
            using var allowed = ClientFrom(TrustedClient, frontend);
            using var other = ClientFrom(UntrustedClient, frontend);
            using var outsider = ClientFrom(LockedOutClient, frontend);
            using (var response = await GetAsync(allowed, "/private/x", HttpVersion.Version20))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using (var response = await GetAsync(other, "/private/x", HttpVersion.Version20))
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }

            using (var response = await GetAsync(other, "/ip", HttpVersion.Version11))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // Locked out after the header, before TLS: the handshake through HAProxy finds the connection closed.
            await Assert.ThrowsAsync<HttpRequestException>(() => outsider.GetAsync("/ip"));
        }

        Assert.Equal(2, await proxy.MetricAsync("edgeproxy_client_ip_locked_out_total"));
        var record = await AccessLogFile.WaitForRecordAsync(AccessLogPath(proxy), r => r.Text("path") == "/private/x" && r.TryGetProperty("status", out var s) && s.GetInt32() == 403);
        Assert.Equal("127.0.0.6", record.Text("peer_ip"));
        Assert.Equal("127.0.0.3", record.Text("lb_ip"));
    }
}
