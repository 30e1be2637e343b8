using System.Net;
using System.Net.Sockets;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>HTTP clients whose TCP connections start from a chosen loopback address, to play a trusted or an untrusted peer.</summary>
public static class LoopbackClient
{
    public static HttpClient Create(IPAddress localAddress, Uri baseAddress, Action? onConnect = null) =>
        new(new SocketsHttpHandler
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
        }) { BaseAddress = baseAddress };
}
