using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Middleware.AccessLog;

public static class AccessLogExtensions
{
    /// <summary>The clock the access log times requests with: the host's <see cref="TimeProvider"/>, else the system's.</summary>
    public static IServiceCollection AddAccessLog(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Logs each request after it completes; place it before the client-IP middleware so the line shows the restored IP and the final status.</summary>
    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app) => app.UseMiddleware<AccessLogMiddleware>();
}
