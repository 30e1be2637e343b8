using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tls;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>
/// SSL_MODE_RELEASE_BUFFERS on real OpenSSL handles: set on one connection, it also lands on the SSL_CTX that .NET
/// shares between connections with the same certificate, so the next connection has it from its handshake on; the
/// connection's own handle only when asked (HTTP/1.x).
/// </summary>
public sealed class OpenSslBufferReleaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("buffer-release-").FullName;

    [Fact]
    public async Task The_mode_set_on_one_connection_is_on_the_next_connection_from_its_handshake()
    {
        Assert.True(OpenSslBufferRelease.Supported);

        // A certificate of its own, so this test's SSL_CTX is one no other test has touched.
        var pem = TestCertificates.WriteEcdsa(_directory, "buffer-release");
        using var certificate = X509Certificate2.CreateFromPemFile(pem.CertificatePath, pem.KeyPath);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        await using var first = await HandshakeAsync(listener, certificate);
        Assert.Equal((false, false), OpenSslBufferRelease.HasMode(first.Server));

        // From an HTTP/2 request: the context only, the connection's handle is left alone.
        Assert.True(OpenSslBufferRelease.Apply(first.Server, connectionToo: false));
        Assert.Equal((false, true), OpenSslBufferRelease.HasMode(first.Server));

        // The next connection (while the first keeps the cached context in use) has it from its handshake.
        await using var second = await HandshakeAsync(listener, certificate);
        Assert.Equal((true, true), OpenSslBufferRelease.HasMode(second.Server));
        await second.ExchangeAsync();

        // From an HTTP/1.x request: the connection too.
        Assert.True(OpenSslBufferRelease.Apply(first.Server, connectionToo: true));
        Assert.Equal((true, true), OpenSslBufferRelease.HasMode(first.Server));
        await first.ExchangeAsync();
    }

    private static async Task<Pair> HandshakeAsync(TcpListener listener, X509Certificate2 certificate)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(TimeSpan.FromSeconds(10));
        var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var server = new SslStream(accepted.GetStream());
        var clientStream = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = SslProtocols.Tls13 }),
            clientStream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls13 })).WaitAsync(TimeSpan.FromSeconds(10));
        var pair = new Pair(server, clientStream, accepted, client);
        await pair.ExchangeAsync();
        return pair;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Pair(SslStream Server, SslStream Client, TcpClient Accepted, TcpClient Connected) : IAsyncDisposable
    {
        /// <summary>One record each way: the handles keep working with the mode set.</summary>
        public async Task ExchangeAsync()
        {
            var buffer = new byte[5];
            await Client.WriteAsync("hello"u8.ToArray());
            await Server.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            await Server.WriteAsync(buffer);
            await Client.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("hello"u8.ToArray(), buffer);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Client.DisposeAsync();
            Accepted.Dispose();
            Connected.Dispose();
        }
    }
}
