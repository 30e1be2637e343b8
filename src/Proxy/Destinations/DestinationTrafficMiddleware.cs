using EdgeProxy.Metrics;
using EdgeProxy.Middleware;
using EdgeProxy.Middleware.AccessLog;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

/// <summary>
/// Once load balancing has picked the destination: counts the request in flight there (and the most ever in flight),
/// and the body bytes each way, into <see cref="DestinationTraffic"/>. What makes a drained destination "drained".
/// </summary>
internal sealed class DestinationTrafficMiddleware(RequestDelegate next, DestinationTraffic traffic)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Find<IReverseProxyFeature>() is not { Cluster: { } cluster, AvailableDestinations: [var destination] } ||
            context.Features.Find<IHttpResponseBodyFeature>() is not { } responseBody)
        {
            await next(context);
            return;
        }

        var counters = traffic.For(cluster.Config.ClusterId, destination.DestinationId);
        var requestBody = context.Request.Body;
        // A request that cannot have a body (most GETs) is spared the wrapper.
        var countedRequest = context.Features.Find<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true ? new CountingRequestStream(requestBody) : null;
        var countedResponse = new CountingResponseBody(responseBody);
        if (countedRequest is not null)
        {
            context.Request.Body = countedRequest;
        }

        context.Features.Set<IHttpResponseBodyFeature>(countedResponse);
        counters.RequestStarted();
        try
        {
            await next(context);
        }
        finally
        {
            counters.RequestFinished(countedRequest?.Count ?? 0, countedResponse.Count);
            if (countedRequest is not null)
            {
                context.Request.Body = requestBody;
            }

            context.Features.Set(responseBody);
        }
    }
}
