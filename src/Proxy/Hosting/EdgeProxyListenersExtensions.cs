using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Hosting;

internal static class EdgeProxyListenersExtensions
{
    /// <summary>Kestrel for an edge: no <c>Server</c> header, edge limits (<c>Kestrel:Limits</c>), the features' public-endpoint setups.</summary>
    public static IServiceCollection AddEdgeProxyListeners(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, PublicListenerSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>());
        return services;
    }
}
