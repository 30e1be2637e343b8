using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Metrics;

internal static class MetricsExtensions
{
    /// <summary>The Prometheus registry served on the admin listener's <c>/metrics</c>, and the per-destination traffic counts.</summary>
    public static IServiceCollection AddProxyMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<ProxyMetrics>();
        services.TryAddSingleton<DestinationTraffic>();
        return services;
    }
}
