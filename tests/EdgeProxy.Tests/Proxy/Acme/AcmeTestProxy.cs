using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>Configurations and TLS probes shared by the ACME tests.</summary>
public static class AcmeTestProxy
{
    /// <summary>The proxy on pebble's validation ports, in front of <paramref name="backend"/>, with <c>EdgeProxy:Acme</c> pointing at pebble.</summary>
    public static JsonObject Config(PebbleServer pebble, string backend, JsonObject certificates, Action<JsonObject>? acme = null)
    {
        var config = TestConfig.SingleCluster(backend);
        var endpoints = config["Kestrel"]!["Endpoints"]!;
        endpoints["Http"]!["Url"] = $"http://127.0.0.1:{pebble.HttpPort}";
        endpoints["Https"]!["Url"] = $"https://127.0.0.1:{pebble.TlsPort}";
        var section = new JsonObject
        {
            ["Enabled"] = true,
            ["DirectoryUrl"] = pebble.DirectoryUrl,
            ["DirectoryTrust"] = pebble.TlsRootPath,
            ["Email"] = "ops@example.com",
            ["AcceptTermsOfService"] = true,
            ["Certificates"] = certificates,
        };
        acme?.Invoke(section);
        config["EdgeProxy"]!["Acme"] = section;
        return config;
    }

    public static JsonObject Certificate(string challenge, params string[] names) => new()
    {
        ["Names"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]),
        ["Challenge"] = challenge,
    };

    /// <summary>The certificate the listener on <paramref name="port"/> shows for <paramref name="serverName"/> (no judgement).</summary>
    public static async Task<X509Certificate2> ServedCertificateAsync(int port, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }

    /// <summary>A client that connects to 127.0.0.1:<paramref name="port"/> whatever the URL's host (so SNI and Host are that name), trusting only <paramref name="roots"/>.</summary>
    public static HttpClient ClientTrusting(int port, X509Certificate2Collection roots) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => PebbleServer.TrustedBy(roots, certificate, chain, errors) },
    })
    { Timeout = TimeSpan.FromSeconds(20) };

    public static async Task<JsonObject> AcmeStatusAsync(ProxyUnderTest proxy) =>
        (JsonObject)JsonNode.Parse(await proxy.Admin.GetStringAsync("/status"))!["acme"]!;

    public static JsonObject CertificateStatus(JsonObject acme, string name) =>
        (JsonObject)acme["certificates"]!.AsArray().Single(c => (string?)c!["name"] == name)!;

    /// <summary>Waits (bounded) until the certificate's state is <paramref name="state"/>; returns its status.</summary>
    public static async Task<JsonObject> WaitForStateAsync(ProxyUnderTest proxy, string name, string state, PebbleServer pebble, TimeSpan? deadline = null)
    {
        JsonObject? last = null;
        var reached = await Eventually.HoldsAsync(async () =>
        {
            last = CertificateStatus(await AcmeStatusAsync(proxy), name);
            return (string?)last["state"] == state;
        }, deadline ?? TimeSpan.FromSeconds(60));
        Assert.True(reached, $"certificate {name} never became {state}; last status {last?.ToJsonString()}; pebble said: {string.Join("\n", pebble.Output.TakeLast(30))}");
        return last!;
    }
}
