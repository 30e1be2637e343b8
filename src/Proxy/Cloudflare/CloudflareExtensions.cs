using Microsoft.Extensions.Options;
using EdgeProxy.Common;

namespace EdgeProxy.Cloudflare;

public static class CloudflareExtensions
{
    /// <summary>Cloudflare's ranges for the trusted set: cache or snapshot at start, refreshed in the background.</summary>
    public static IServiceCollection AddCloudflareRanges(this IServiceCollection services)
    {
        services.AddOptions<CloudflareOptions>().BindConfiguration(CloudflareOptions.SectionName).ValidateOnStart();
        services.AddOptions<CloudflareTrustOptions>().BindConfiguration(CloudflareTrustOptions.SectionName);
        services.AddSingleton<IValidateOptions<CloudflareOptions>, CloudflareOptionsValidator>();
        services.AddSingleton(sp => new CloudflareRangeCache(
            sp.GetRequiredService<DataDirectory>().Resolve(sp.GetRequiredService<IOptions<CloudflareOptions>>().Value.CacheFile)));
        services.AddSingleton<CloudflareMetrics>();
        services.AddSingleton<CloudflareRangeRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<CloudflareRangeRefresher>());
        services.AddHttpClient(CloudflareRangeRefresher.HttpClientName, client =>
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
