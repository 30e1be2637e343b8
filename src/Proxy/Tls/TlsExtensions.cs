using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

public static class TlsExtensions
{
    /// <summary>A self-signed localhost certificate for HTTPS listeners that have none (first run on a fresh machine).</summary>
    public static IServiceCollection AddFirstRunCertificate(this IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, FirstRunCertificate>();
        return services;
    }
}
