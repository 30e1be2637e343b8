using Microsoft.Extensions.Options;
using EdgeProxy.Common;

namespace EdgeProxy.Cloudflare;

public static class CloudflareExtensions
{
    /// <summary>Cloudflare's ranges for the trusted set: cache or snapshot at start, refreshed in the background.</summary>
    public static IServiceCollection AddCloudflareRanges(this IServiceCollection services)
    {
        services.AddOptions<CloudflareOptions>().BindConfiguration(CloudflareOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CloudflareOptions>, CloudflareOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var data = sp.GetRequiredService<IOptions<EdgeProxyOptions>>().Value.DataPath;
            var root = Path.GetFullPath(data, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new CloudflareRangeCache(Path.GetFullPath(sp.GetRequiredService<IOptions<CloudflareOptions>>().Value.CacheFile, root));
        });
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
