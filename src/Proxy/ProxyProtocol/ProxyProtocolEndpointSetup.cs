using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel;

namespace EdgeProxy.ProxyProtocol;

/// <summary>
/// A listed public listener reads the PROXY header first of all its connection middleware: registered ahead of the
/// lock, origin pulls and the connection limit, which then judge the header's source.
/// </summary>
internal sealed class ProxyProtocolEndpointSetup(IServiceProvider services) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint)
    {
        // Resolved when Kestrel binds (after start-up validation has reported bad options), not when its options are built.
        var listeners = services.GetRequiredService<ProxyProtocolListeners>();
        var name = endpoint.ConfigSection.Key;
        if (listeners.For(name) is not { } counters)
        {
            return;
        }

        var middleware = new ProxyProtocolConnectionMiddleware(name, listeners, counters, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<ProxyProtocolConnectionMiddleware>());
        endpoint.ListenOptions.Use(next => connection => middleware.OnConnectionAsync(connection, next));
    }
}
