namespace EdgeProxy.Metrics;

public static class MetricsExtensions
{
    /// <summary>The Prometheus registry served on the admin listener's <c>/metrics</c>, with YARP's request, error and health metrics.</summary>
    public static IServiceCollection AddProxyMetrics(this IServiceCollection services)
    {
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<IMetricsPublisher, DestinationHealthMetrics>();
        return services;
    }

    /// <summary>Counts forwarded requests; goes first in the YARP pipeline so that it sees the final status.</summary>
    public static IReverseProxyApplicationBuilder UseProxyRequestMetrics(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<ProxyRequestMetricsMiddleware>();
        return proxy;
    }
}
