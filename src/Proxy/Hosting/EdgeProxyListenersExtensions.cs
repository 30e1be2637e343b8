using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Hosting;

public static class EdgeProxyListenersExtensions
{
    /// <summary>Kestrel defaults for an edge (no <c>Server</c> header) and the features' public-endpoint setups.</summary>
    public static IServiceCollection AddEdgeProxyListeners(this IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, PublicListenerSetup>();
        return services;
    }
}
