using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Yarp.ReverseProxy;

namespace EdgeProxy.ReverseProxy;

/// <summary>The <c>proxy</c> section of <c>/status</c>: YARP's live routes, clusters and destination health.</summary>
internal sealed class ProxyStatusSection(IProxyStateLookup proxyState) : IStatusSection
{
    public string Name => "proxy";

    public JsonObject GetStatus() => new()
    {
        ["routes"] = StatusJson.Array(proxyState.GetRoutes().Select(r => r.Config).OrderBy(r => r.RouteId, StringComparer.Ordinal), r => new JsonObject
        {
            ["id"] = r.RouteId,
            ["cluster"] = r.ClusterId,
            ["path"] = r.Match.Path,
            ["hosts"] = StatusJson.Strings(r.Match.Hosts),
            ["methods"] = StatusJson.Strings(r.Match.Methods),
        }),
        ["clusters"] = StatusJson.Array(proxyState.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal), cluster =>
        {
            var available = cluster.DestinationsState.AvailableDestinations;
            return new JsonObject
            {
                ["id"] = cluster.ClusterId,
                ["loadBalancingPolicy"] = cluster.Model.Config.LoadBalancingPolicy ?? "PowerOfTwoChoices",
                ["activeHealthCheck"] = cluster.Model.Config.HealthCheck?.Active?.Enabled ?? false,
                ["passiveHealthCheck"] = cluster.Model.Config.HealthCheck?.Passive?.Enabled ?? false,
                ["availableDestinations"] = available.Count,
                ["destinations"] = StatusJson.Array(cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal), d => new JsonObject
                {
                    ["id"] = d.DestinationId,
                    ["address"] = d.Model.Config.Address,
                    ["active"] = d.Health.Active.ToString(),
                    ["passive"] = d.Health.Passive.ToString(),
                    ["available"] = available.Contains(d),
                    ["concurrentRequests"] = d.ConcurrentRequestCount,
                }),
            };
        }),
    };
}
