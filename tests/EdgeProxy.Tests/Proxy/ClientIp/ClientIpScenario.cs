using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.ClientIp;

/// <summary>
/// What the client-IP tests share: 127.0.0.2 and ::1 are configured as trusted networks, 127.0.0.1 is an untrusted
/// peer, and the backend reports the headers it received.
/// </summary>
internal static class ClientIpScenario
{
    public static readonly IPAddress Trusted = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress Untrusted = IPAddress.Loopback;

    public static JsonObject Config(TestBackend backend, Action<JsonObject>? clientIp = null)
    {
        var config = TestConfig.SingleCluster(backend.Address);
        var section = config["EdgeProxy"]!["ClientIp"]!.AsObject();
        section["TrustedNetworks"] = new JsonArray("127.0.0.2/32", "::1/128");
        clientIp?.Invoke(section);
        return config;
    }

    public static Task<BackendView> SendAsync(HttpClient client, TestBackend backend, params (string Name, string Value)[] headers) =>
        SendAsync(client, backend, HttpVersion.Version11, headers);

    /// <summary>Sends <c>GET /ip</c> with exactly <paramref name="version"/>, expects 200 and returns what the backend saw.</summary>
    public static async Task<BackendView> SendAsync(HttpClient client, TestBackend backend, Version version, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ip") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(version, response.Version);
        return new BackendView(backend.LastHeaders!);
    }

    /// <summary>The backend's view of request headers, one string per header (null when absent).</summary>
    public sealed record BackendView(IHeaderDictionary Headers)
    {
        public string? this[string name] => Headers.TryGetValue(name, out var v) ? v.ToString() : null;
    }
}
