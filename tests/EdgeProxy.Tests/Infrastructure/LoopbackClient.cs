using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>HTTP clients whose TCP connections start from a chosen loopback address, to play a trusted or an untrusted peer.</summary>
public static class LoopbackClient
{
    /// <param name="configure">Further handler settings, e.g. TLS options for an <c>https</c> base address.</param>
    public static HttpClient Create(IPAddress localAddress, Uri baseAddress, Action? onConnect = null, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancellationToken) =>
            {
                onConnect?.Invoke();
                var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        configure?.Invoke(handler);
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>TLS that accepts any server certificate (the test checks the proxy's answers, not its certificate) and offers <paramref name="clientCertificate"/>.</summary>
    public static Action<SocketsHttpHandler> Tls(X509Certificate2? clientCertificate = null) => handler =>
    {
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (clientCertificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
    };
}
