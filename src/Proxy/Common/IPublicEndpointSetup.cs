using Microsoft.AspNetCore.Server.Kestrel;

namespace EdgeProxy.Common;

/// <summary>
/// A feature's part in setting up each public listener (every <c>Kestrel:Endpoints</c> entry; never the admin or the
/// internal listeners). Connection middleware added here runs before TLS; <c>HttpsOptions</c> applies to the handshake.
/// Register with <see cref="ExtensionPointExtensions.AddPublicEndpointSetup{T}"/>; they run in registration order.
/// </summary>
internal interface IPublicEndpointSetup
{
    void Configure(EndpointConfiguration endpoint);
}
