using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task A_record_longer_than_tls_allows_is_closed_without_an_error_in_the_log()
    {
        // The 8 bytes that made Kestrel's own ClientHello reader log an error with a stack trace per connection.
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyUnderTest.StartAsync(Config(), services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        for (var i = 0; i < 3; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, proxy.HttpsUri!.Port);
            await tcp.GetStream().WriteAsync(new byte[] { 22, 3, 1, 0x80, 0x00, 1, 0, 0 });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal(0, await tcp.GetStream().ReadAsync(new byte[16], timeout.Token));
        }

        Assert.DoesNotContain(logs.Lines, line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.Contains("ArgumentOutOfRange", StringComparison.Ordinal));
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
