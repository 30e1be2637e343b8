using EdgeProxy.Common;

namespace EdgeProxy.Cloudflare;

/// <summary>The refresher's state as gauges at scrape time (the refresher counts its failures itself, as they happen).</summary>
internal sealed class CloudflareMetricsPublisher(CloudflareMetrics metrics, CloudflareRangeRefresher refresher, TimeProvider timeProvider) : IMetricsPublisher
{
    public void Publish() => metrics.Publish(refresher, timeProvider.GetUtcNow());
}
