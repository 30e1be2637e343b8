using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

internal static class CloudflareExtensions
{
    /// <summary>Cloudflare's ranges for the trusted set: cache or snapshot at start, refreshed in the background.</summary>
    public static IServiceCollection AddCloudflareRanges(this IServiceCollection services)
    {
        services.AddOptions<CloudflareOptions>().BindConfiguration(CloudflareOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(CloudflareOptions.SectionName, ConfigSchema.Of<CloudflareOptions>());
        services.AddOptions<CloudflareTrustOptions>().BindConfiguration(CloudflareTrustOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(CloudflareTrustOptions.SectionName, ConfigSchema.Of<CloudflareTrustOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudflareOptions>, CloudflareOptionsValidator>());
        services.TryAddSingleton(sp => new CloudflareRangeCache(
            sp.GetRequiredService<DataDirectory>().Resolve(sp.GetRequiredService<IOptions<CloudflareOptions>>().Value.CacheFile)));
        services.TryAddSingleton(sp => CloudflareRangeSanity.FromOptions(sp.GetRequiredService<IOptions<CloudflareOptions>>().Value));
        services.TryAddSingleton<CloudflareSourceClient>();
        services.TryAddSingleton<CloudflareMetrics>();
        services.TryAddSingleton<CloudflareRangeRefresher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CloudflareRangeRefresher>(sp => sp.GetRequiredService<CloudflareRangeRefresher>()));
        services.AddHttpClient(CloudflareSourceClient.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the refresher applies EdgeProxy:Cloudflare:Timeout per request
                client.MaxResponseContentBufferSize = 1 << 20;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("EdgeProxy");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 });
        services.AddStatusSection<CloudflareStatusSection>();
        services.AddReadinessCheck<CloudflareReadinessCheck>("cloudflare-ranges");
        services.AddMetricsPublisher<CloudflareMetricsPublisher>();
        return services;
    }
}
