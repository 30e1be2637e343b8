using Microsoft.AspNetCore.Http.Features;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// A request whose declared <c>Content-Length</c> is over its limit (the route's <c>MaxRequestBodySize</c>, else
/// <c>Kestrel:Limits:MaxRequestBodySize</c>) is answered 413 here, before anything goes upstream: the forwarder would
/// send the headers to the backend first and only fail when Kestrel refuses the first body read. No body byte is read,
/// so an <c>Expect: 100-continue</c> client gets the 413 instead of a 100. A chunked body has no declared length and is
/// still cut by Kestrel when it passes the limit.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } declared && Limit(context) is { } limit && declared > limit
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            // Kestrel refuses the first read of a declared body over the limit without reading a byte or sending a
            // 100, and then closes the connection instead of draining the body (as nginx does).
            feature.MaxRequestBodySize = limit;
            try
            {
                await context.Request.Body.ReadExactlyAsync(new byte[1], context.RequestAborted);
            }
            catch (BadHttpRequestException refused) when (refused.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
        }

        await next(context);
    }

    /// <summary>YARP applies the route's value (-1: no limit) to the server's feature only when it forwards.</summary>
    private static long? Limit(HttpContext context) => context.GetReverseProxyFeature().Route.Config.MaxRequestBodySize switch
    {
        -1 => null,
        { } route => route,
        null => context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize,
    };
}
