namespace EdgeProxy.Common;

/// <summary>Sets gauges from live state just before <c>/metrics</c> is scraped, so nothing is computed on the request path.</summary>
internal interface IMetricsPublisher
{
    void Publish();
}
