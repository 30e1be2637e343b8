using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Middleware.AccessLog;

public static class AccessLogExtensions
{
    /// <summary>
    /// The access log's record building; the host adds the <see cref="IAccessLogSink"/> (where records go) and any
    /// <see cref="IAccessLogEnricher"/>. The clock is the host's <see cref="TimeProvider"/>, else the system's.
    /// </summary>
    public static IServiceCollection AddAccessLog(this IServiceCollection services, Action<AccessLogRecordOptions>? configure = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        var options = services.AddOptions<AccessLogRecordOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>Records each request after it completes; place it before the client-IP middleware so the record shows the restored IP and the final status.</summary>
    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app) => app.UseMiddleware<AccessLogMiddleware>();
}
