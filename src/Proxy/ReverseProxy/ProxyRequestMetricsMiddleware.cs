using EdgeProxy.Metrics;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.ReverseProxy;

/// <summary>Counts each forwarded request by route, cluster and status, and each forwarding error by kind.</summary>
internal sealed class ProxyRequestMetricsMiddleware(RequestDelegate next, ProxyMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var proxy = context.Features.Get<IReverseProxyFeature>();
        var route = proxy?.Route.Config.RouteId ?? "";
        var cluster = proxy?.Cluster?.Config.ClusterId ?? "";
        metrics.ProxyRequests.WithLabels(route, cluster, ProxyMetrics.StatusCodeLabel(context.Response.StatusCode)).Inc();
        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            metrics.ProxyErrors.WithLabels(cluster, error.Error.ToString()).Inc();
        }
    }
}
