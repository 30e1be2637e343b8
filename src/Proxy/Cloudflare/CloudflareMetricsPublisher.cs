using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

/// <summary>The refresher's state as gauges at scrape time (the refresher counts its failures itself, as they happen).</summary>
internal sealed class CloudflareMetricsPublisher(CloudflareMetrics metrics, CloudflareRangeRefresher refresher, IOptions<CloudflareOptions> options, TimeProvider timeProvider) : IMetricsPublisher
{
    public void Publish()
    {
        var now = timeProvider.GetUtcNow();
        metrics.Publish(refresher, refresher.Enabled && options.Value.IsStale(refresher.Current, now), now);
    }
}
