using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace EdgeProxy.AccessControl;

/// <summary>
/// Applies the rate limit a route names with YARP's <c>RateLimiterPolicy</c> (YARP marks the endpoint with
/// <see cref="EnableRateLimitingAttribute"/>), per restored client IP, from the live <c>EdgeProxy:RateLimits</c>.
/// ASP.NET Core's own rate-limiting middleware reads its policies once at start, so it cannot follow edits.
/// </summary>
internal sealed class ClientRateLimitMiddleware(RequestDelegate next, AccessControlState state, AccessControlCounters counters, ClientKey clientKey)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not { PolicyName: { } name }
            || state.FindRateLimit(name) is not { } limit)
        {
            return next(context);
        }

        using var lease = limit.Limiter.AttemptAcquire(clientKey.From(context.Connection.RemoteIpAddress));
        if (lease.IsAcquired)
        {
            return next(context);
        }

        counters.Count(name, AccessRefusalReason.Rate);
        var retryAfter = AccessResultHandler.RetryAfter(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null);
        context.Response.Headers.RetryAfter = retryAfter;
        return AccessResultHandler.WriteTextAsync(context.Response, StatusCodes.Status429TooManyRequests, $"Too many requests: this client is over the rate limit; retry after {retryAfter} seconds.");
    }
}
