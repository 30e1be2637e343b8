using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.OriginPulls;

internal static class OriginPullExtensions
{
    /// <summary>
    /// Authenticated Origin Pulls (<c>EdgeProxy:Cloudflare:AuthenticatedOriginPulls</c>) on every public HTTPS listener,
    /// with its verdicts in <c>/status</c> and <c>/metrics</c>.
    /// </summary>
    public static IServiceCollection AddAuthenticatedOriginPulls(this IServiceCollection services)
    {
        services.AddOptions<OriginPullOptions>().BindConfiguration(OriginPullOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(OriginPullOptions.SectionName, ConfigSchema.Of<OriginPullOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OriginPullOptions>, OriginPullOptionsValidator>());
        services.TryAddSingleton(sp => OriginPullTrust.Load(
            sp.GetRequiredService<IOptions<OriginPullOptions>>().Value, sp.GetRequiredService<IHostEnvironment>().ContentRootPath,
            sp.GetRequiredService<TimeProvider>(), out var errors) ?? throw new OptionsValidationException(OriginPullOptions.SectionName, typeof(OriginPullOptions), errors));
        services.TryAddSingleton<OriginPullCounters>();
        services.AddPublicEndpointSetup<OriginPullEndpointSetup>();
        services.AddStatusSection<OriginPullStatusSection>();
        services.AddMetricsPublisher<OriginPullMetrics>();
        return services;
    }
}
