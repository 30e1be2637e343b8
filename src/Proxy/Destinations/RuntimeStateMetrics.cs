using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;
using Yarp.ReverseProxy;

namespace EdgeProxy.Destinations;

/// <summary>
/// <c>edgeproxy_destination_runtime_state{cluster,destination,state}</c> at scrape time: 1 for the state a destination
/// is in, 0 for the others (as HAProxy's <c>haproxy_server_status{state}</c>), so a destination left in maintenance
/// can be alerted on.
/// </summary>
internal sealed class RuntimeStateMetrics : IMetricsPublisher
{
    private static readonly RuntimeState[] States = Enum.GetValues<RuntimeState>();

    private readonly IProxyStateLookup _proxyState;
    private readonly DestinationStateStore _store;
    private readonly Gauge _state;

    public RuntimeStateMetrics(ProxyMetrics metrics, IProxyStateLookup proxyState, DestinationStateStore store)
    {
        _proxyState = proxyState;
        _store = store;
        _state = metrics.Factory.CreateGauge("edgeproxy_destination_runtime_state",
            "1 for the runtime state the destination is in (ready, drain, maint; set through the admin listener), else 0.", ["cluster", "destination", "state"]);
    }

    public void Publish()
    {
        var seen = new HashSet<(string, string)>();
        foreach (var cluster in _proxyState.GetClusters())
        {
            foreach (var id in cluster.Destinations.Keys)
            {
                seen.Add((cluster.ClusterId, id));
                var current = _store.Find(cluster.ClusterId, id)?.State ?? RuntimeState.Ready;
                foreach (var state in States)
                {
                    _state.WithLabels(cluster.ClusterId, id, DestinationStateStore.Label(state)).Set(state == current ? 1 : 0);
                }
            }
        }

        // Destinations removed by a configuration edit must disappear from the scrape.
        foreach (var labels in _state.GetAllLabelValues().ToList())
        {
            if (!seen.Contains((labels[0], labels[1])))
            {
                _state.RemoveLabelled(labels);
            }
        }
    }
}
