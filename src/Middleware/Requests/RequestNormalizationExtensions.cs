using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Middleware.Requests;

public static class RequestNormalizationExtensions
{
    public static IServiceCollection AddRequestNormalization(this IServiceCollection services, Action<RequestNormalizationOptions>? configure = null)
    {
        var options = services.AddOptions<RequestNormalizationOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>Canonical path and host; place it before routing and everything that judges the path or host.</summary>
    public static IApplicationBuilder UseRequestNormalization(this IApplicationBuilder app) => app.UseMiddleware<RequestNormalizationMiddleware>();
}
