using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel;

namespace EdgeProxy.Connections;

/// <summary>Every public listener counts its connections against the limit, and closes idle ones to make room.</summary>
internal sealed class ConnectionReclaimEndpointSetup(IServiceProvider services) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint)
    {
        // Resolved when Kestrel binds (after start-up validation has reported bad options), not when its options are built.
        var reclaimer = services.GetRequiredService<IdleConnectionReclaimer>();
        endpoint.ListenOptions.Use(next => connection => reclaimer.OnConnectionAsync(connection, next));
    }
}
