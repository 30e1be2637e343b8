using EdgeProxy.Admin.StatusPage;
using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

internal static class AdminExtensions
{
    /// <summary>The admin listener (<c>EdgeProxy:Admin:Url</c>) with <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, <c>/status</c> and the whoami echo.</summary>
    public static IServiceCollection AddAdminListener(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .ValidateOnStart();
        services.AddConfigSchema(AdminOptions.SectionName, ConfigSchema.Of<AdminOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.TryAddSingleton<AdminListener>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, AdminListener>(sp => sp.GetRequiredService<AdminListener>()));
        services.TryAddSingleton<StatusReport>();
        services.TryAddSingleton<ReadinessSpells>();
        services.TryAddSingleton<AdminEndpoints>();
        services.TryAddSingleton<AdminWriteAccess>();
        services.AddReadinessCheck<HostReadinessCheck>("host");
        services.AddStatusSection<AdminStatusSection>();
        services.AddStatusPage();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AdminExposureWarning>());
        return services;
    }

    /// <summary>What the status page shows beyond the features' own sections: live traffic (sampled every second) and trust.</summary>
    private static void AddStatusPage(this IServiceCollection services)
    {
        services.TryAddSingleton<DestinationTraffic>();
        services.TryAddSingleton<LiveTrafficSampler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LiveTrafficSampler>(sp => sp.GetRequiredService<LiveTrafficSampler>()));
        services.AddStatusSection<LiveStatusSection>();
        services.AddStatusSection<TrustStatusSection>();
    }

    /// <summary>Requests that arrive on the admin listener are answered here and never reach the proxy routes.</summary>
    public static IApplicationBuilder UseAdminListener(this IApplicationBuilder app)
    {
        var listener = app.ApplicationServices.GetRequiredService<AdminListener>();
        var endpoints = app.ApplicationServices.GetRequiredService<AdminEndpoints>();
        return app.MapWhen(listener.IsAdminRequest, admin => admin.Run(endpoints.HandleAsync));
    }
}
