using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tracing;

internal static class TracingExtensions
{
    /// <summary>
    /// OpenTelemetry spans exported over OTLP (<c>EdgeProxy:Tracing</c>), <c>tracing</c> in <c>/status</c> and metrics.
    /// Disabled (the default), nothing listens to any <c>ActivitySource</c> and no request makes an Activity.
    /// </summary>
    public static IServiceCollection AddTracing(this IServiceCollection services)
    {
        services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(TracingOptions.SectionName, ConfigSchema.Of<TracingOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TracingOptions>, TracingOptionsValidator>());
        services.TryAddSingleton<SpanExportCounters>();
        services.TryAddSingleton<TracingPipeline>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TracingPipeline>(sp => sp.GetRequiredService<TracingPipeline>()));
        // The exporter keeps its one client for good: connections are renewed now and then so that a collector behind
        // a name that moves (a Kubernetes service) is found again.
        services.AddHttpClient(TracingPipeline.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddStatusSection<TracingStatusSection>();
        services.AddMetricsPublisher<TracingMetrics>();
        return services;
    }

    /// <summary>The server span of each request, when tracing is enabled (else nothing is added to the pipeline).</summary>
    public static IApplicationBuilder UseTracing(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<TracingOptions>>().Value.Enabled ? app.UseMiddleware<ServerSpanMiddleware>() : app;
}
