using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeProxy.Middleware.ClientIp;

public static class ClientIpExtensions
{
    /// <summary>Client-IP restoration: the trusted-network registry (filled by the host's range sources), the counters and the connection filter.</summary>
    public static IServiceCollection AddClientIp(this IServiceCollection services, Action<ClientIpOptions>? configure = null)
    {
        var options = services.AddOptions<ClientIpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<TrustedNetworkRegistry>();
        services.TryAddSingleton<ClientIpCounters>();
        services.TryAddSingleton<TrustedPeerConnectionFilter>();
        return services;
    }

    /// <summary>Restores the client IP; goes before anything that logs, limits or forwards by client address.</summary>
    public static IApplicationBuilder UseClientIp(this IApplicationBuilder app) => app.UseMiddleware<ClientIpMiddleware>();

    /// <summary>Closes connections from untrusted peers on this listener at accept (<see cref="TrustedPeerConnectionFilter"/>); call before HTTPS.</summary>
    public static ListenOptions UseTrustedPeerFilter(this ListenOptions listen)
    {
        var filter = listen.ApplicationServices.GetRequiredService<TrustedPeerConnectionFilter>();
        listen.Use(next => connection => filter.OnConnectionAsync(connection, next));
        return listen;
    }
}
