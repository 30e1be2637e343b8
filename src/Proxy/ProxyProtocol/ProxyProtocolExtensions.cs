using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ProxyProtocol;

internal static class ProxyProtocolExtensions
{
    /// <summary>
    /// The PROXY protocol (v1 and v2) on the public listeners named in <c>EdgeProxy:ProxyProtocol:Endpoints</c>, from
    /// <c>TrustedSenders</c> only; <c>proxyProtocol</c> in <c>/status</c> and metrics. Must be added before any other
    /// feature's <see cref="IPublicEndpointSetup"/>: its connection middleware has to run first.
    /// </summary>
    public static IServiceCollection AddProxyProtocol(this IServiceCollection services)
    {
        services.AddOptions<ProxyProtocolOptions>().BindConfiguration(ProxyProtocolOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(ProxyProtocolOptions.SectionName, ConfigSchema.Of<ProxyProtocolOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyProtocolOptions>, ProxyProtocolOptionsValidator>());
        services.TryAddSingleton<ProxyProtocolListeners>();
        services.AddPublicEndpointSetup<ProxyProtocolEndpointSetup>();
        services.AddStatusSection<ProxyProtocolStatusSection>();
        services.AddMetricsPublisher<ProxyProtocolMetrics>();
        return services;
    }
}
