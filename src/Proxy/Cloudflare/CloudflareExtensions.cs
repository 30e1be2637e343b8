using EdgeProxy.Admin;
using EdgeProxy.Hosting;
using EdgeProxy.Metrics;
using Microsoft.Extensions.Options;

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
        services.AddStatusSection(sp => ActivatorUtilities.CreateInstance<CloudflareStatusSection>(sp));
        services.AddHealthChecks().AddCheck<CloudflareReadinessCheck>("cloudflare-ranges", tags: [AdminHealthTags.Ready]);
        services.AddSingleton<IMetricsPublisher>(sp => new CloudflareMetricsPublisher(
            sp.GetRequiredService<CloudflareMetrics>(), sp.GetRequiredService<CloudflareRangeRefresher>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private sealed class CloudflareMetricsPublisher(CloudflareMetrics metrics, CloudflareRangeRefresher refresher, TimeProvider timeProvider) : IMetricsPublisher
    {
        public void Publish() => metrics.Publish(refresher, timeProvider.GetUtcNow());
    }
}
