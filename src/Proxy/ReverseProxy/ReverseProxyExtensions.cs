using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeProxy.ReverseProxy;

internal static class ReverseProxyExtensions
{
    /// <summary>
    /// Routes and clusters from the <c>ReverseProxy</c> section of the file, validated on every change before they apply;
    /// their state in <c>/status</c> (<c>config</c>, <c>proxy</c>), readiness and destination-health metrics.
    /// </summary>
    public static IReverseProxyBuilder LoadFromValidatedConfigFile(this IReverseProxyBuilder builder)
    {
        var services = builder.Services;
        // YARP's validator stays, keyed, behind ours (see LiveSectionConfigValidator).
        if (services.LastOrDefault(d => d.ServiceType == typeof(IConfigValidator) && !d.IsKeyedService) is { ImplementationType: { } yarpValidator } descriptor)
        {
            services.Remove(descriptor);
            services.Add(new ServiceDescriptor(typeof(IConfigValidator), LiveSectionConfigValidator.InnerKey, yarpValidator, descriptor.Lifetime));
            services.AddSingleton<IConfigValidator>(sp => new LiveSectionConfigValidator(
                sp.GetRequiredKeyedService<IConfigValidator>(LiveSectionConfigValidator.InnerKey), sp.GetServices<ILiveConfigSection>()));
        }

        services.TryAddSingleton(new InMemoryConfigProvider([], []));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProxyConfigProvider, InMemoryConfigProvider>(sp => sp.GetRequiredService<InMemoryConfigProvider>()));
        services.TryAddSingleton<ProxyConfigLoader>();
        services.AddConfigSchema(ProxyConfigLoader.SectionName, ReverseProxySchema.Routes.AsOpen());
        services.TryAddSingleton<ProxyConfigStatus>();
        services.TryAddSingleton<RestartRequiredDetector>();
        services.TryAddSingleton<ProxyConfigReloader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConfigFileWatcher>());
        services.AddOptions<ConfigFileWatcherOptions>().BindConfiguration(ConfigFileWatcherOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(ConfigFileWatcherOptions.SectionName, ConfigSchema.Of<ConfigFileWatcherOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConfigFileWatcherOptions>, ConfigFileWatcherOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStatusSection, ProxyConfigStatus>(sp => sp.GetRequiredService<ProxyConfigStatus>()));
        services.AddStatusSection<ProxyStatusSection>();
        services.AddMetricsPublisher<DestinationHealthMetrics>();
        services.AddReadinessCheck<ProxyConfigReadinessCheck>("proxy-config");
        services.AddOptions<UpstreamOptions>().BindConfiguration(UpstreamOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(UpstreamOptions.SectionName, ConfigSchema.Of<UpstreamOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UpstreamOptions>, UpstreamOptionsValidator>());
        // Replaces YARP's own factory (registered with TryAdd by AddReverseProxy).
        services.AddSingleton<IForwarderHttpClientFactory, UpstreamHttpClientFactory>();
        return builder;
    }

    /// <summary>Counts forwarded requests; goes first in the YARP pipeline so that it sees the final status.</summary>
    public static IReverseProxyApplicationBuilder UseProxyRequestMetrics(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<ProxyRequestMetricsMiddleware>();
        return proxy;
    }

    /// <summary>
    /// The answers the proxy makes itself: a body and a log line for its 502/503/504 (a gRPC status for gRPC calls),
    /// and 413 for a declared body over the limit, before the request goes upstream.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseUpstreamErrorPages(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<UpstreamErrorMiddleware>();
        proxy.UseMiddleware<RequestBodyLimitMiddleware>();
        return proxy;
    }
}
