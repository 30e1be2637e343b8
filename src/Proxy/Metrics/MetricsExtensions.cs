using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Metrics;

internal static class MetricsExtensions
{
    /// <summary>The Prometheus registry served on the admin listener's <c>/metrics</c>.</summary>
    public static IServiceCollection AddProxyMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<ProxyMetrics>();
        return services;
    }
}
