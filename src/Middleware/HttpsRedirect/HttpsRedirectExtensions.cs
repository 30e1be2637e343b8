using Microsoft.AspNetCore.Builder;

namespace EdgeProxy.Middleware.HttpsRedirect;

public static class HttpsRedirectExtensions
{
    public static IApplicationBuilder UseHttpsRedirect(this IApplicationBuilder app) => app.UseMiddleware<HttpsRedirectMiddleware>();
}
