using System.Net.Sockets;
using EdgeProxy.Middleware;
using EdgeProxy.Middleware.AccessLog;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace EdgeProxy.AccessLog;

/// <summary>What YARP knows about a request: route, cluster, destination, and why forwarding failed, in words.</summary>
internal sealed class ReverseProxyAccessLogEnricher : IAccessLogEnricher
{
    public void Enrich(HttpContext context, AccessLogRecord record)
    {
        if (context.Features.Find<IReverseProxyFeature>() is { } proxy)
        {
            record.Route = proxy.Route.Config.RouteId;
            record.Cluster = proxy.Cluster?.Config.ClusterId;
            record.Destination = proxy.ProxiedDestination?.DestinationId;
        }

        if (context.Features.Find<IForwarderErrorFeature>() is { } error)
        {
            record.Error = Describe(error.Error, error.Exception);
        }
    }

    public static string Describe(ForwarderError error, Exception? exception) => error switch
    {
        ForwarderError.NoAvailableDestinations => "no healthy destination",
        ForwarderError.RequestTimedOut => "timeout",
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled or ForwarderError.UpgradeRequestCanceled => "client aborted",
        ForwarderError.Request => DescribeRequestFailure(exception),
        ForwarderError.RequestBodyClient => "client request body error",
        ForwarderError.RequestBodyDestination => "backend request body error",
        ForwarderError.ResponseBodyClient => "client aborted response",
        ForwarderError.ResponseBodyDestination => "backend response body error",
        ForwarderError.ResponseHeaders => "backend response headers error",
        _ => error.ToString(),
    };

    private static string DescribeRequestFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connect refused",
                    SocketError.TimedOut => "connect timeout",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
                    _ => "socket error",
                };
            }

            if (e is System.Security.Authentication.AuthenticationException)
            {
                return "backend tls failed";
            }

            if (e is TimeoutException)
            {
                return "timeout";
            }
        }

        return "request failed";
    }
}

/// <summary>Stamps the moment YARP hands the request to the backend, for <c>upstream_ms</c>.</summary>
internal sealed class UpstreamTimingTransformProvider(TimeProvider timeProvider) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(transform =>
    {
        if (transform.HttpContext.Features.Find<AccessLogRecord>() is { } record)
        {
            record.UpstreamStarted = timeProvider.GetTimestamp();
        }

        return ValueTask.CompletedTask;
    });
}
