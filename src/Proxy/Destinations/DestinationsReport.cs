using System.Text.Json.Nodes;
using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Yarp.ReverseProxy;

namespace EdgeProxy.Destinations;

/// <summary>
/// Every destination's runtime state and HAProxy-style detail: the <c>destinations</c> section of <c>/status</c> and
/// the answer of <c>GET /destinations</c> (the same JSON).
/// </summary>
internal sealed class DestinationsReport(
    IProxyStateLookup proxyState, DestinationStateStore store, DestinationTraffic traffic, ActiveProbeRecorder probes,
    DestinationStatusClock clock, TimeProvider timeProvider) : IStatusSection
{
    public string Name => "destinations";

    public JsonObject GetStatus()
    {
        var now = timeProvider.GetUtcNow();
        return new JsonObject
        {
            ["stateFile"] = store.FilePath,
            ["clusters"] = StatusJson.Array(proxyState.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal), cluster =>
            {
                var available = cluster.DestinationsState.AvailableDestinations;
                var rows = cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal).Select(destination =>
                {
                    var entry = store.Find(cluster.ClusterId, destination.DestinationId);
                    var state = entry?.State ?? RuntimeState.Ready;
                    var status = DestinationStatus.Of(state, destination, available.Contains(destination));
                    var counters = traffic.Find(cluster.ClusterId, destination.DestinationId);
                    var probe = probes.Find(cluster.ClusterId, destination.DestinationId);
                    var since = clock.Since(cluster.ClusterId, destination.DestinationId, status.Status);
                    return (Counters: counters, Json: new JsonObject
                    {
                        ["id"] = destination.DestinationId,
                        ["state"] = DestinationStateStore.Label(state),
                        ["status"] = status.Status,
                        ["healthSource"] = status.HealthSource,
                        ["drained"] = DestinationStatus.IsDrained(state, counters),
                        ["statusText"] = status.Status + (status.HealthSource is { } source ? $" ({source})" : "") + (DestinationStatus.IsDrained(state, counters) ? " · drained" : ""),
                        ["inFlight"] = counters?.InFlight ?? 0,
                        ["maxInFlight"] = counters?.MaxInFlight ?? 0,
                        ["requests"] = counters?.Requests ?? 0,
                        ["bytesIn"] = counters?.BytesIn ?? 0,
                        ["bytesOut"] = counters?.BytesOut ?? 0,
                        ["lastCheckAt"] = probe?.At,
                        ["lastCheck"] = probe?.Result,
                        ["lastCheckPassed"] = probe?.Passed,
                        ["statusSince"] = since,
                        ["statusForSeconds"] = Math.Max(0, Math.Round((now - since).TotalSeconds)),
                        ["stateChangedAt"] = entry?.ChangedAt,
                        ["stateChangedBy"] = entry?.ChangedBy,
                    });
                }).ToList();
                return new JsonObject
                {
                    ["id"] = cluster.ClusterId,
                    ["count"] = rows.Count,
                    ["up"] = rows.Count(r => (string?)r.Json["status"] == "UP"),
                    ["inFlight"] = rows.Sum(r => r.Counters?.InFlight ?? 0),
                    ["requests"] = rows.Sum(r => r.Counters?.Requests ?? 0),
                    ["bytesIn"] = rows.Sum(r => r.Counters?.BytesIn ?? 0),
                    ["bytesOut"] = rows.Sum(r => r.Counters?.BytesOut ?? 0),
                    ["destinations"] = new JsonArray([.. rows.Select(r => (JsonNode)r.Json)]),
                };
            }),
        };
    }
}
