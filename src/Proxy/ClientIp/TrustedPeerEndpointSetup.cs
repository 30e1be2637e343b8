using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ClientIp;

/// <summary><c>RequireTrustedPeer</c>: every public listener closes connections from untrusted peers at accept, before TLS.</summary>
internal sealed class TrustedPeerEndpointSetup(IOptions<ClientIpTrustOptions> options) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint)
    {
        if (options.Value.RequireTrustedPeer)
        {
            endpoint.ListenOptions.UseTrustedPeerFilter();
        }
    }
}
