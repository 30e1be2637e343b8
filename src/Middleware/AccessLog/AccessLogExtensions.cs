using Microsoft.AspNetCore.Builder;

namespace EdgeProxy.Middleware.AccessLog;

public static class AccessLogExtensions
{
    /// <summary>Logs each request after it completes; place it before the client-IP middleware so the line shows the restored IP and the final status.</summary>
    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app) => app.UseMiddleware<AccessLogMiddleware>();
}
