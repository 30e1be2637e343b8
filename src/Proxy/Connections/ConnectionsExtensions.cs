using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Connections;

internal static class ConnectionsExtensions
{
    public const string LimitKey = "Kestrel:Limits:MaxConcurrentConnections";

    /// <summary>
    /// The public listeners' connection limit (<see cref="LimitKey"/>, which Kestrel is then not given), enforced by
    /// closing the longest-idle connection to admit a new one; <c>connections</c> in <c>/status</c> and metrics.
    /// </summary>
    public static IServiceCollection AddIdleConnectionReclaim(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new IdleConnectionReclaimer(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IConfiguration>().GetValue<long?>(LimitKey)));
        services.AddPublicEndpointSetup<ConnectionReclaimEndpointSetup>();
        services.AddStatusSection<ConnectionsStatusSection>();
        services.AddMetricsPublisher<ConnectionsMetrics>();
        return services;
    }

    /// <summary>First in the pipeline: a request in flight keeps its connection from being reclaimed.</summary>
    public static IApplicationBuilder UseConnectionActivity(this IApplicationBuilder app) => app.UseMiddleware<ConnectionActivityMiddleware>();
}
