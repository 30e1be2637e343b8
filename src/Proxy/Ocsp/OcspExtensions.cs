using EdgeProxy.Certificates;
using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

internal static class OcspExtensions
{
    /// <summary>OCSP stapling (<c>EdgeProxy:Tls:OcspStapling</c>): prefetch, refresh, disk cache, status, metrics, readiness.</summary>
    public static IServiceCollection AddOcspStapling(this IServiceCollection services)
    {
        // The options binding, the HTTP client, the status section and the health check have no TryAdd form: the first call adds them.
        if (!services.Any(d => d.ServiceType == typeof(OcspStapler)))
        {
            services.AddOptions<OcspOptions>().BindConfiguration(OcspOptions.SectionName).ValidateOnStart();
            services.AddConfigSchema(OcspOptions.SectionName, ConfigSchema.Of<OcspOptions>());
            services.AddHttpClient(OcspResponderClient.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(sp => OcspResponderClient.CreateHandler(sp.GetRequiredService<OcspProxyListener>().MachineProxy));
            services.AddStatusSection<OcspStatusSection>();
            services.AddReadinessCheck<OcspReadinessCheck>("ocsp");
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OcspOptions>, OcspOptionsValidator>());
        services.TryAddSingleton<OcspProxyListener>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, OcspProxyListener>(sp => sp.GetRequiredService<OcspProxyListener>()));
        services.TryAddSingleton(sp => new OcspResponseCache(
            sp.GetRequiredService<DataDirectory>().Resolve("ocsp"),
            sp.GetRequiredService<ILogger<OcspResponseCache>>()));
        services.TryAddSingleton<OcspResponderClient>();
        services.TryAddSingleton<OcspWarmUp>();
        services.TryAddSingleton<CertificateChanges>();
        services.TryAddSingleton<OcspStapler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OcspStapler>(sp => sp.GetRequiredService<OcspStapler>()));
        services.TryAddSingleton<OcspProxyEndpoint>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsPublisher, OcspMetrics>());
        return services;
    }

    /// <summary>Answers the TLS stack's OCSP fetches that <see cref="OcspResponderProxy"/> routes to the loopback proxy listener.</summary>
    public static IApplicationBuilder UseOcspProxy(this IApplicationBuilder app)
    {
        var listener = app.ApplicationServices.GetRequiredService<OcspProxyListener>();
        var endpoint = app.ApplicationServices.GetRequiredService<OcspProxyEndpoint>();
        return app.MapWhen(listener.IsProxyRequest, proxy => proxy.Run(endpoint.HandleAsync));
    }
}
