using EdgeProxy.Cloudflare;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;
using EdgeProxy.Common;

namespace EdgeProxy.ClientIp;

public static class ClientIpSetupExtensions
{
    /// <summary>
    /// Client-IP restoration (<c>EdgeProxy:ClientIp</c>) with its trusted set: Cloudflare's self-refreshing ranges and
    /// the configured networks; <c>RequireTrustedPeer</c> on every public listener; counters in <c>/metrics</c>; <c>/trust?ip=</c> on the admin listener.
    /// </summary>
    public static IServiceCollection AddClientIpRestoration(this IServiceCollection services)
    {
        services.AddOptions<ClientIpOptions>().BindConfiguration(ClientIpOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClientIpOptions>, ClientIpOptionsValidator>();
        services.AddClientIp();
        services.AddPublicEndpointSetup<TrustedPeerEndpointSetup>();
        services.AddCloudflareRanges();
        services.AddMetricsPublisher<ClientIpMetrics>();
        services.AddAdminRoute("/trust", sp => ActivatorUtilities.CreateInstance<TrustEndpoint>(sp).HandleAsync);
        return services;
    }
}
