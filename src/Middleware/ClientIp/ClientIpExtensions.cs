using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Middleware.ClientIp;

public static class ClientIpExtensions
{
    /// <summary>The trusted-network registry and the counters; options are bound by the host.</summary>
    public static IServiceCollection AddClientIp(this IServiceCollection services)
    {
        services.AddSingleton<TrustedNetworkRegistry>();
        services.AddSingleton<ClientIpCounters>();
        return services;
    }

    /// <summary>Restores the client IP; goes before anything that logs, limits or forwards by client address.</summary>
    public static IApplicationBuilder UseClientIp(this IApplicationBuilder app) => app.UseMiddleware<ClientIpMiddleware>();
}
