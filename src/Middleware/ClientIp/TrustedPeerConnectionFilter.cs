using EdgeProxy.Middleware.ProxyProtocol;
using Microsoft.AspNetCore.Connections;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Kestrel connection middleware that locks a listener to the trusted networks: a connection from any other peer is
/// closed as soon as it is accepted, before TLS and before a byte is read, so scanners never see the certificate (whose
/// names would give the origin away) nor cost a handshake. Goes ahead of HTTPS on a listener.
/// </summary>
public sealed class TrustedPeerConnectionFilter(TrustedNetworkRegistry registry, ClientIpCounters counters)
{
    public Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.RemoteEndPoint is IPEndPoint { Address: var peer } && registry.Current.Contains(peer))
        {
            return next(connection);
        }

        // A balancer's own connection (PROXY v2 LOCAL: its health checks) from a sender in TrustedSenders, which the PROXY
        // step has verified: let in under the balancer's address, which stays untrusted for CF-Connecting-IP.
        if (connection.Features.Get<IProxyProtocolFeature>() is { IsLocal: true })
        {
            return next(connection);
        }

        // Returning without calling next ends the connection: Kestrel closes the socket.
        counters.CountLockedOut();
        return Task.CompletedTask;
    }
}
