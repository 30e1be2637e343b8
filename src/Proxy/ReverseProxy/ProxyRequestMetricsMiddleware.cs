using System.Net.Sockets;
using EdgeProxy.Metrics;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Counts each forwarded request by route, cluster and status, and each forwarding error by kind; times it
/// (<c>edgeproxy_upstream_request_duration_seconds</c>); and, per destination,
/// requests, 5xx, time spent and the last error (<see cref="DestinationTraffic"/>, for the status page).
/// </summary>
internal sealed class ProxyRequestMetricsMiddleware(RequestDelegate next, ProxyMetrics metrics, DestinationTraffic traffic, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = timeProvider.GetTimestamp();
        await next(context);

        var proxy = context.Features.Get<IReverseProxyFeature>();
        var route = proxy?.Route.Config.RouteId ?? "";
        var cluster = proxy?.Cluster?.Config.ClusterId ?? "";
        var status = context.Response.StatusCode;
        var elapsed = timeProvider.GetElapsedTime(started);
        // Label values as a span on the stack: the params-array overload would allocate one array per request and metric.
        metrics.ProxyRequests.WithLabels((ReadOnlySpan<string>)[route, cluster, ProxyMetrics.StatusCodeLabel(status)]).Inc();
        metrics.UpstreamDuration.WithLabels((ReadOnlySpan<string>)[cluster, route, ProxyMetrics.StatusClassLabel(status)]).Observe(elapsed.TotalSeconds);
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is not null)
        {
            metrics.ProxyErrors.WithLabels(cluster, error.Error.ToString()).Inc();
        }

        var errorText = error is not null ? Describe(error) : status >= 500 ? "HTTP " + ProxyMetrics.StatusCodeLabel(status) : null;
        traffic.Record(cluster, proxy?.ProxiedDestination?.DestinationId ?? "", status, elapsed, errorText, errorText is null ? default : timeProvider.GetUtcNow());
    }

    // The socket error says more than YARP's kind alone (refused, timed out, reset…); built only when something failed.
    private static string Describe(IForwarderErrorFeature error)
    {
        for (var e = error.Exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return $"{error.Error}: {socket.SocketErrorCode}";
            }
        }

        return error.Error.ToString();
    }
}
