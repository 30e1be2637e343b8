using EdgeProxy.Admin;
using EdgeProxy.Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

public static class OcspExtensions
{
    /// <summary>OCSP stapling (<c>EdgeProxy:Tls:OcspStapling</c>): prefetch, refresh, disk cache, status, metrics, readiness.</summary>
    public static IServiceCollection AddOcspStapling(this IServiceCollection services)
    {
        services.AddSingleton<OcspProxyListener>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<OcspProxyListener>());
        services.AddSingleton<OcspStapler>();
        services.AddHostedService(sp => sp.GetRequiredService<OcspStapler>());
        services.AddHttpClient(OcspStapler.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false }); // never through our own proxy
        services.AddStatusSection(sp => ActivatorUtilities.CreateInstance<OcspStatusSection>(sp));
        services.AddSingleton<IMetricsPublisher>(sp => ActivatorUtilities.CreateInstance<OcspMetrics>(sp));
        services.AddHealthChecks().AddCheck<OcspReadinessCheck>("ocsp", tags: [AdminHealthTags.Ready]);
        return services;
    }

    /// <summary>Answers the TLS stack's OCSP fetches that <see cref="OcspResponderProxy"/> routes to the loopback proxy listener.</summary>
    public static IApplicationBuilder UseOcspProxy(this IApplicationBuilder app)
    {
        var listener = app.ApplicationServices.GetRequiredService<OcspProxyListener>();
        var stapler = app.ApplicationServices.GetRequiredService<OcspStapler>();
        return app.MapWhen(listener.IsProxyRequest, proxy => proxy.Run(stapler.HandleProxyRequestAsync));
    }
}
