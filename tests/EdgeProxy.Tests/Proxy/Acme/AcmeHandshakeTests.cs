using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>With ACME on, every HTTPS handshake is read for its server name first: that must not keep silent clients forever.</summary>
public sealed class AcmeHandshakeTests
{
    private static JsonObject Config()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Acme"] = new JsonObject
        {
            ["Enabled"] = true,
            ["DirectoryUrl"] = "http://127.0.0.1:9/dir",
            ["AcceptTermsOfService"] = true,
        };
        return config;
    }

    [Fact]
    public async Task A_client_that_never_sends_its_hello_is_closed_by_the_handshake_timeout()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(Config());
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, proxy.HttpsUri!.Port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var read = await tcp.GetStream().ReadAsync(new byte[16], timeout.Token);
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Without_an_issued_certificate_the_listeners_own_answers_with_or_without_a_server_name()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(Config());
        using var named = await AcmeTestProxy.ServedCertificateAsync(proxy.HttpsUri!.Port, "app.example.com");
        using var bare = await AcmeTestProxy.ServedCertificateAsync(proxy.HttpsUri!.Port, "127.0.0.1");
        Assert.Equal(proxy.ExpectedCertificate!.Thumbprint, named.Thumbprint);
        Assert.Equal(proxy.ExpectedCertificate!.Thumbprint, bare.Thumbprint);
        Assert.StartsWith("502", await proxy.GetTextAsync(proxy.Https, "/"), StringComparison.Ordinal); // HTTP flows (to a dead backend)
    }
}
