using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeProxy.Common;

/// <summary>How a feature plugs into the host: a <c>/status</c> section, an admin route, metrics, readiness, public listeners.</summary>
internal static class ExtensionPointExtensions
{
    /// <summary>Adds a section to <c>/status</c>.</summary>
    public static IServiceCollection AddStatusSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IStatusSection
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStatusSection, T>());
        return services;
    }

    /// <summary>
    /// Adds a GET path to the admin listener; with <paramref name="prefix"/>, the paths below it too and every method
    /// (writes need the admin token, see <see cref="AdminRoute"/>).
    /// </summary>
    public static IServiceCollection AddAdminRoute(this IServiceCollection services, string path, Func<IServiceProvider, Func<HttpContext, Task>> handlerFactory, bool prefix = false)
    {
        services.AddSingleton(sp => new AdminRoute(path, handlerFactory(sp), prefix));
        return services;
    }

    /// <summary>Adds gauges and counters copied from live state when <c>/metrics</c> is scraped.</summary>
    public static IServiceCollection AddMetricsPublisher<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IMetricsPublisher
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsPublisher, T>());
        return services;
    }

    /// <summary>Adds a check that <c>/readyz</c> runs.</summary>
    public static IServiceCollection AddReadinessCheck<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services, string name)
        where T : class, IHealthCheck
    {
        services.AddHealthChecks().AddCheck<T>(name, tags: [AdminHealthTags.Ready]);
        return services;
    }

    /// <summary>Adds a feature's part in setting up every public listener (see <see cref="IPublicEndpointSetup"/>).</summary>
    public static IServiceCollection AddPublicEndpointSetup<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IPublicEndpointSetup
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPublicEndpointSetup, T>());
        return services;
    }

    /// <summary>Adds certificates served by SNI on the public HTTPS listeners (see <see cref="IServerCertificateSource"/>).</summary>
    public static IServiceCollection AddServerCertificateSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IServerCertificateSource
    {
        services.TryAddSingleton<T>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServerCertificateSource, T>(sp => sp.GetRequiredService<T>()));
        return services;
    }

    /// <summary>Adds warnings that <c>--check</c> reports (see <see cref="ICheckWarningSource"/>).</summary>
    public static IServiceCollection AddCheckWarningSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, ICheckWarningSource
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICheckWarningSource, T>());
        return services;
    }

    /// <summary>Adds a section that is read, validated and applied together with <c>ReverseProxy</c> on every edit (see <see cref="ILiveConfigSection"/>).</summary>
    public static IServiceCollection AddLiveConfigSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, ILiveConfigSection
    {
        services.TryAddSingleton<T>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveConfigSection, T>(sp => sp.GetRequiredService<T>()));
        return services;
    }

    /// <summary>
    /// Declares the keys of a section the feature reads (see <see cref="StrictConfigCheck"/>): any other key under it is
    /// refused. Several features may declare the same section; their keys add up.
    /// </summary>
    public static IServiceCollection AddConfigSchema(this IServiceCollection services, string path, ConfigSchema schema)
    {
        services.TryAddSingleton<StrictConfigCheck>();
        services.AddSingleton(new ConfigSchemaSection(path, schema));
        return services;
    }
}
