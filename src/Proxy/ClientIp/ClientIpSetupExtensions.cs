using EdgeProxy.Cloudflare;
using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ClientIp;

internal static class ClientIpSetupExtensions
{
    /// <summary>
    /// Client-IP restoration (<c>EdgeProxy:ClientIp</c>) with Cloudflare's header names and its trusted set: Cloudflare's
    /// self-refreshing ranges and the configured networks; <c>RequireTrustedPeer</c> on every public listener; counters
    /// in <c>/metrics</c>; <c>/trust?ip=</c> on the admin listener.
    /// </summary>
    public static IServiceCollection AddClientIpRestoration(this IServiceCollection services)
    {
        // The configured networks are a source of their own; Cloudflare's ranges are added by their refresher.
        services.TryAddSingleton(sp =>
        {
            var registry = new TrustedNetworkRegistry();
            // Cloudflare's ranges come first (filled by the refresher), so /trust names them for an address in both.
            registry.Set(CloudflareTrustOptions.Source, []);
            registry.Set(ClientIpTrustOptions.ConfiguredSource, sp.GetRequiredService<IOptions<ClientIpTrustOptions>>().Value.TrustedNetworks
                .Select(text => CidrParser.TryParse(text, null, out var network, out _) ? network : null).OfType<IPNetwork2>());
            return registry;
        });
        // Cloudflare's names first, then whatever the file says.
        services.AddClientIp(options =>
        {
            options.Header = "CF-Connecting-IP";
            options.Ipv6Header = "CF-Connecting-IPv6";
            options.WorkerHeader = "CF-Worker";
            options.TrustedPeerHeaderPrefix = "cf-";
        });
        services.AddOptions<ClientIpOptions>().BindConfiguration(ClientIpTrustOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(ClientIpTrustOptions.SectionName, ConfigSchema.Of<ClientIpOptions>());
        services.AddOptions<ClientIpTrustOptions>().BindConfiguration(ClientIpTrustOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(ClientIpTrustOptions.SectionName, ConfigSchema.Of<ClientIpTrustOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClientIpOptions>, ClientIpOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClientIpTrustOptions>, ClientIpTrustOptionsValidator>());
        services.AddPublicEndpointSetup<TrustedPeerEndpointSetup>();
        services.AddCloudflareRanges();
        services.AddMetricsPublisher<ClientIpMetrics>();
        services.AddAdminRoute("/trust", sp => ActivatorUtilities.CreateInstance<TrustEndpoint>(sp).HandleAsync);
        return services;
    }
}
