using Microsoft.AspNetCore.Builder;

namespace EdgeProxy.Middleware.Hsts;

public static class HstsExtensions
{
    /// <summary>Adds HSTS to HTTPS responses; place it before anything that can answer (redirects, 403s, the proxy).</summary>
    public static IApplicationBuilder UseStrictTransportSecurity(this IApplicationBuilder app) => app.UseMiddleware<HstsMiddleware>();
}
