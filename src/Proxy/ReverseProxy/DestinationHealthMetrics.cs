using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.ReverseProxy;

/// <summary>Publishes YARP's destination health at scrape time (no work on the request path).</summary>
internal sealed class DestinationHealthMetrics : IMetricsPublisher
{
    private readonly IProxyStateLookup _proxyState;
    private readonly Gauge _available;
    private readonly Gauge _health;

    public DestinationHealthMetrics(ProxyMetrics metrics, IProxyStateLookup proxyState)
    {
        _proxyState = proxyState;
        _available = metrics.Factory.CreateGauge("edgeproxy_destination_available",
            "1 when the destination receives traffic (healthy or unknown under every enabled check), else 0.", ["cluster", "destination"]);
        _health = metrics.Factory.CreateGauge("edgeproxy_destination_health",
            "Health seen by YARP's checks: 1 healthy, 0 unhealthy, -1 unknown (check disabled or not run yet).", ["cluster", "destination", "check"]);
    }

    public void Publish()
    {
        var seen = new HashSet<(string Cluster, string Destination)>();
        foreach (var cluster in _proxyState.GetClusters())
        {
            var available = cluster.DestinationsState.AvailableDestinations;
            foreach (var destination in cluster.Destinations.Values)
            {
                seen.Add((cluster.ClusterId, destination.DestinationId));
                _available.WithLabels(cluster.ClusterId, destination.DestinationId).Set(available.Contains(destination) ? 1 : 0);
                _health.WithLabels(cluster.ClusterId, destination.DestinationId, "active").Set(Value(destination.Health.Active));
                _health.WithLabels(cluster.ClusterId, destination.DestinationId, "passive").Set(Value(destination.Health.Passive));
            }
        }

        // Destinations removed by a configuration edit must disappear from the scrape.
        foreach (var labels in _available.GetAllLabelValues().ToList())
        {
            if (!seen.Contains((labels[0], labels[1])))
            {
                _available.RemoveLabelled(labels);
                _health.RemoveLabelled(labels[0], labels[1], "active");
                _health.RemoveLabelled(labels[0], labels[1], "passive");
            }
        }
    }

    private static double Value(DestinationHealth health) => health switch
    {
        DestinationHealth.Healthy => 1,
        DestinationHealth.Unhealthy => 0,
        _ => -1,
    };
}
