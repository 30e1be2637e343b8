using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>Adds a feature's part in setting up every public listener (see <see cref="IPublicEndpointSetup"/>).</summary>
    public static IServiceCollection AddPublicEndpointSetup<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IPublicEndpointSetup
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPublicEndpointSetup, T>());
        return services;
    }
}
