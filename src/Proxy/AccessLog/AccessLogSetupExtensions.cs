using EdgeProxy.Common;
using EdgeProxy.Middleware.AccessLog;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace EdgeProxy.AccessLog;

internal static class AccessLogSetupExtensions
{
    /// <summary>
    /// Access records (<c>EdgeProxy:AccessLog</c>) to console, file and syslog (<c>EdgeProxy:Syslog</c>) through bounded
    /// queues; YARP's route, cluster, destination, error and upstream time; Kestrel's own rejections; the proxy's
    /// Warning+ log to syslog.
    /// </summary>
    public static IServiceCollection AddAccessLogging(this IServiceCollection services)
    {
        services.AddOptions<AccessLogOptions>().BindConfiguration(AccessLogOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(AccessLogOptions.SectionName, ConfigSchema.Of<AccessLogOptions>());
        services.AddOptions<SyslogOptions>().BindConfiguration(SyslogOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(SyslogOptions.SectionName, ConfigSchema.Of<SyslogOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessLogOptions>, AccessLogOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyslogOptions>, SyslogOptionsValidator>());
        services.AddOptions<AccessLogOptions>().PostConfigure<IHostEnvironment>((options, environment) =>
        {
            if (!string.IsNullOrEmpty(options.File))
            {
                options.File = Path.GetFullPath(options.File, environment.ContentRootPath);
            }
        });

        services.AddOptions<SyslogOptions>().PostConfigure<IHostEnvironment>((options, environment) =>
        {
            if (!string.IsNullOrEmpty(options.CaPath))
            {
                options.CaPath = Path.GetFullPath(options.CaPath, environment.ContentRootPath);
            }
        });

        services.AddAccessLog();
        services.AddOptions<AccessLogRecordOptions>().Configure<IOptions<AccessLogOptions>>((record, options) => record.RayIdHeader = options.Value.RayIdHeader);
        services.TryAddSingleton<SyslogTarget>();
        services.TryAddSingleton<AccessLogSink>();
        services.TryAddSingleton<IAccessLogSink>(sp => sp.GetRequiredService<AccessLogSink>());
        services.TryAddSingleton<KestrelConnectionFailures>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAccessLogEnricher, ReverseProxyAccessLogEnricher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransformProvider, UpstreamTimingTransformProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, SyslogLoggerProvider>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AccessLogWriterService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KestrelBadRequestRecorder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KestrelConnectionFailures>(sp => sp.GetRequiredService<KestrelConnectionFailures>()));
        services.AddMetricsPublisher<AccessLogMetrics>();
        return services;
    }
}
