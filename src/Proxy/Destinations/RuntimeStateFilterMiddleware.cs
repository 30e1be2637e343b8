using EdgeProxy.Middleware;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

/// <summary>
/// Takes drained and maintenance destinations out of the request's available destinations, before session affinity
/// and load balancing: a new request never goes to one, and a request whose affinity names one is redistributed by
/// the cluster's affinity failure policy. With none left the request gets YARP's 503, as when all are down.
/// </summary>
internal sealed class RuntimeStateFilterMiddleware(RequestDelegate next, DestinationStateStore store)
{
    public Task InvokeAsync(HttpContext context)
    {
        var outOfService = store.OutOfService;
        if (outOfService.Count > 0 && context.Features.Find<IReverseProxyFeature>() is { Cluster: { } cluster } proxy &&
            outOfService.TryGetValue(cluster.Config.ClusterId, out var excluded))
        {
            var available = proxy.AvailableDestinations;
            List<DestinationState>? kept = null;
            for (var i = 0; i < available.Count; i++)
            {
                if (excluded.Contains(available[i].DestinationId))
                {
                    if (kept is null)
                    {
                        kept = new List<DestinationState>(available.Count - 1);
                        for (var j = 0; j < i; j++)
                        {
                            kept.Add(available[j]);
                        }
                    }
                }
                else
                {
                    kept?.Add(available[i]);
                }
            }

            if (kept is not null)
            {
                proxy.AvailableDestinations = kept;
            }
        }

        return next(context);
    }
}
