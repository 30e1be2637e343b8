using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Shutdown;

internal static class ShutdownExtensions
{
    /// <summary>Graceful drain on SIGTERM (<c>EdgeProxy:Shutdown</c>), with readiness failing from the first signal.</summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(ShutdownOptions.SectionName, ConfigSchema.Of<ShutdownOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>());
        services.TryAddSingleton<DrainState>();
        services.AddSingleton<IHostLifetime, DrainingLifetime>(); // replaces the console lifetime
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddReadinessCheck<DrainReadinessCheck>("shutdown");
        return services;
    }
}
