using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Middleware.HttpsRedirect;

public static class HttpsRedirectExtensions
{
    public static IServiceCollection AddHttpsRedirect(this IServiceCollection services, Action<HttpsRedirectOptions>? configure = null)
    {
        var options = services.AddOptions<HttpsRedirectOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    public static IApplicationBuilder UseHttpsRedirect(this IApplicationBuilder app) => app.UseMiddleware<HttpsRedirectMiddleware>();
}
