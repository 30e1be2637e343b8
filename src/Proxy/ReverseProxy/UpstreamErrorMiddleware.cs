using EdgeProxy.Common;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// A 502/503/504 the proxy made itself (YARP leaves the body empty) gets a short plain-text body saying which, without
/// internals; the reason goes to the log with route, cluster and destination. A backend's own 502 passes untouched.
/// A gRPC call gets a gRPC status instead (a body would reach its client as "Bad gRPC response").
/// </summary>
internal sealed partial class UpstreamErrorMiddleware(RequestDelegate next, ILogger<UpstreamErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var response = context.Response;
        if (response.StatusCode is not (502 or 503 or 504) || response.HasStarted || context.Features.Get<IForwarderErrorFeature>() is not { } error)
        {
            return;
        }

        var proxy = context.Features.Get<IReverseProxyFeature>();
        LogUpstreamError(response.StatusCode, proxy?.Route.Config.RouteId ?? "-", proxy?.Cluster?.Config.ClusterId ?? "-",
            proxy?.ProxiedDestination?.DestinationId ?? "-", error.Error, error.Exception?.GetBaseException().Message ?? "no detail");
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // What a gRPC server sends for an error: a trailers-only answer, HTTP 200 with the status in its headers.
            response.Headers["grpc-status"] = response.StatusCode == 504 ? "4" : "14"; // DEADLINE_EXCEEDED, UNAVAILABLE
            response.Headers["grpc-message"] = Body(response.StatusCode).TrimEnd('\n');
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            return;
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(Body(response.StatusCode), context.RequestAborted);
    }

    internal static string Body(int status) => status switch
    {
        502 => "502 Bad Gateway: the upstream server could not be reached or did not answer properly.\n",
        503 => "503 Service Unavailable: no upstream server is available.\n",
        _ => "504 Gateway Timeout: the upstream server did not answer in time.\n",
    };

    [LoggerMessage(EventId = EventIds.ConfigUpstreamError, EventName = "UpstreamError", Level = LogLevel.Warning,
        Message = "Answered {Status}: route {Route}, cluster {Cluster}, destination {Destination}: {Error} ({Detail})")]
    private partial void LogUpstreamError(int status, string route, string cluster, string destination, ForwarderError error, string detail);
}
