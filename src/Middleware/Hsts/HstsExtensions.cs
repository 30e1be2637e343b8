using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Middleware.Hsts;

public static class HstsExtensions
{
    public static IServiceCollection AddStrictTransportSecurity(this IServiceCollection services, Action<HstsOptions>? configure = null)
    {
        var options = services.AddOptions<HstsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>Adds HSTS to HTTPS responses; place it before anything that can answer (redirects, 403s, the proxy).</summary>
    public static IApplicationBuilder UseStrictTransportSecurity(this IApplicationBuilder app) => app.UseMiddleware<HstsMiddleware>();
}
