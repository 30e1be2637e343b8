using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Admin;

/// <summary>The <c>proxy</c> section of <c>/status</c>: YARP's live routes, clusters and destination health.</summary>
internal sealed class ProxyStatusSection(IProxyStateLookup proxyState) : IStatusSection
{
    public string Name => "proxy";

    public object GetStatus() => new
    {
        routes = proxyState.GetRoutes().Select(r => r.Config).OrderBy(r => r.RouteId, StringComparer.Ordinal).Select(r => new
        {
            id = r.RouteId,
            cluster = r.ClusterId,
            path = r.Match.Path,
            hosts = r.Match.Hosts,
            methods = r.Match.Methods,
        }),
        clusters = proxyState.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).Select(cluster =>
        {
            var available = cluster.DestinationsState.AvailableDestinations;
            return new
            {
                id = cluster.ClusterId,
                loadBalancingPolicy = cluster.Model.Config.LoadBalancingPolicy ?? "PowerOfTwoChoices",
                activeHealthCheck = cluster.Model.Config.HealthCheck?.Active?.Enabled ?? false,
                passiveHealthCheck = cluster.Model.Config.HealthCheck?.Passive?.Enabled ?? false,
                availableDestinations = available.Count,
                destinations = cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal).Select(d => new
                {
                    id = d.DestinationId,
                    address = d.Model.Config.Address,
                    active = d.Health.Active.ToString(),
                    passive = d.Health.Passive.ToString(),
                    available = available.Contains(d),
                    concurrentRequests = d.ConcurrentRequestCount,
                }),
            };
        }),
    };
}
