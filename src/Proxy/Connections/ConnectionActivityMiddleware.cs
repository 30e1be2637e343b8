using EdgeProxy.Middleware;

namespace EdgeProxy.Connections;

/// <summary>Marks the request in flight on its <see cref="TrackedConnection"/>, so the reclaimer never closes it under a request.</summary>
internal sealed class ConnectionActivityMiddleware(RequestDelegate next, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        var tracked = context.Features.Find<TrackedConnection>();
        return tracked is null ? next(context) : TrackAsync(context, tracked);
    }

    private async Task TrackAsync(HttpContext context, TrackedConnection tracked)
    {
        tracked.RequestStarted();
        try
        {
            await next(context);
        }
        finally
        {
            tracked.RequestEnded(timeProvider.GetTimestamp());
        }
    }
}
