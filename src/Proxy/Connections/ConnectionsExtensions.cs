using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Connections;

internal static class ConnectionsExtensions
{
    public const string LimitKey = "Kestrel:Limits:MaxConcurrentConnections";

    /// <summary>
    /// The public listeners' connection limit (<see cref="LimitKey"/>, which Kestrel is then not given), enforced by
    /// closing the longest-idle connection to admit a new one, and the per-peer limit for untrusted peers
    /// (<c>EdgeProxy:Connections:MaxPerUntrustedPeer</c>), and idle connections closed for new ones above
    /// <c>EdgeProxy:Connections:ReclaimAboveMemory</c>; <c>connections</c> in <c>/status</c> and metrics.
    /// </summary>
    public static IServiceCollection AddIdleConnectionReclaim(this IServiceCollection services)
    {
        services.AddOptions<ConnectionsOptions>().BindConfiguration(ConnectionsOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(ConnectionsOptions.SectionName, ConfigSchema.Of<ConnectionsOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectionsOptions>, ConnectionsOptionsValidator>());
        services.TryAddSingleton(sp => new ProcessMemorySampler(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new IdleConnectionReclaimer(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IConfiguration>().GetValue<long?>(LimitKey),
            sp.GetRequiredService<IOptions<ConnectionsOptions>>().Value.MaxPerUntrustedPeer,
            sp.GetRequiredService<TrustedNetworkRegistry>(),
            sp.GetRequiredService<IOptions<ConnectionsOptions>>().Value.ReclaimAboveMemory,
            sp.GetRequiredService<ProcessMemorySampler>(),
            sp.GetRequiredService<ILogger<IdleConnectionReclaimer>>()));
        services.AddPublicEndpointSetup<ConnectionReclaimEndpointSetup>();
        services.AddPublicEndpointSetup<SendCoalescingEndpointSetup>();
        services.TryAddSingleton<StormMemoryRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<StormMemoryRelease>());
        services.AddStatusSection<ConnectionsStatusSection>();
        services.AddMetricsPublisher<ConnectionsMetrics>();
        return services;
    }

    /// <summary>First in the pipeline: a request in flight keeps its connection from being reclaimed.</summary>
    public static IApplicationBuilder UseConnectionActivity(this IApplicationBuilder app) => app.UseMiddleware<ConnectionActivityMiddleware>();
}
