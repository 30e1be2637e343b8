using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel;

namespace EdgeProxy.Connections;

/// <summary>Every public listener counts its connections against the limit, and closes idle ones to make room.</summary>
internal sealed class ConnectionReclaimEndpointSetup(IdleConnectionReclaimer reclaimer) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint) =>
        endpoint.ListenOptions.Use(next => connection => reclaimer.OnConnectionAsync(connection, next));
}
