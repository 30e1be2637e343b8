using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Middleware;
using Microsoft.AspNetCore.Hosting.Server;

namespace EdgeProxy.Ocsp;

/// <summary>
/// Loopback handshakes asking for a staple, one per HTTPS listener and served name. The TLS stack fetches (through
/// the proxy) on a handshake, never on its own, so this is how a new response reaches it before the first client.
/// </summary>
internal sealed class OcspWarmUp(IServer server)
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BetweenRounds = TimeSpan.FromMilliseconds(200);

    public async Task RunAsync(IEnumerable<OcspCertificate> certificates, CancellationToken cancellationToken)
    {
        var ports = server.HttpsPorts();
        var names = certificates.SelectMany(c => c.Leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()))
            .Append("")
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        for (var round = 0; round < 2; round++)
        {
            foreach (var port in ports)
            {
                foreach (var name in names)
                {
                    await HandshakeAsync(port, name, cancellationToken);
                }
            }

            // The first round starts the TLS stack's fetches; the second, shortly after, finds them done.
            await Task.Delay(BetweenRounds, cancellationToken);
        }
    }

    private static async Task HandshakeAsync(int port, string serverName, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                // Online makes the client send status_request, which is what triggers the server's fetch.
                CertificateRevocationCheckMode = X509RevocationMode.Online,
                RemoteCertificateValidationCallback = static (_, _, _, _) => true, // our own listener; only the handshake matters
            }, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            // A listener bound to another address or a name the SNI map refuses: nothing to warm there.
        }
    }
}
