using EdgeProxy.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel;

namespace EdgeProxy.Tls;

/// <summary>
/// Lets every active <see cref="IServerCertificateSource"/> answer a public HTTPS handshake before the listener's own
/// certificate. <see cref="ClientHelloPeek"/> reads the ClientHello's SNI and ALPN before the handshake, then
/// <c>OnAuthenticate</c> swaps in the source's <see cref="System.Net.Security.SslStreamCertificateContext"/>, so the
/// listener's certificate (and its OCSP staple) stays exactly as it was for every other name. Endpoints with a Kestrel
/// <c>Sni</c> map do their own selection and are left alone.
/// </summary>
internal sealed class ServerCertificateSourceSetup(IEnumerable<IServerCertificateSource> sources, TimeProvider timeProvider) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint)
    {
        var active = sources.Where(s => s.IsActive).ToArray();
        if (!endpoint.IsHttps || active.Length == 0)
        {
            return;
        }

        var https = endpoint.HttpsOptions;
        var peek = new ClientHelloPeek(https.HandshakeTimeout, timeProvider);
        endpoint.ListenOptions.Use(next => connection => peek.OnConnectionAsync(connection, next));

        var previous = https.OnAuthenticate;
        https.OnAuthenticate = (connection, ssl) =>
        {
            previous?.Invoke(connection, ssl);
            var hello = connection.Features.Get<TlsClientHello>() ?? TlsClientHello.Empty;
            foreach (var source in active)
            {
                if (source.Choose(hello.ServerName, hello.ApplicationProtocols) is { } choice)
                {
                    ssl.ServerCertificate = null;
                    ssl.ServerCertificateSelectionCallback = null;
                    ssl.ServerCertificateContext = choice.Context;
                    if (choice.ApplicationProtocols is { } protocols)
                    {
                        ssl.ApplicationProtocols = protocols;
                    }

                    return;
                }
            }
        };
    }
}
