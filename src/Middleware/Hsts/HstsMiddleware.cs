using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EdgeProxy.Middleware.Hsts;

/// <summary>
/// <c>Strict-Transport-Security</c> on every HTTPS response, for every host (ASP.NET's own HSTS middleware skips
/// localhost and loopback addresses, which an edge must not do silently), errors included; never on plain HTTP. A
/// backend's own header is kept as it is, not duplicated.
/// </summary>
public sealed class HstsMiddleware(RequestDelegate next, IOptions<HstsOptions> options)
{
    private readonly string? _value = options.Value.Enabled ? options.Value.HeaderValue : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (_value is not null && context.Request.IsHttps)
        {
            context.Response.OnStarting(static state =>
            {
                var (response, value) = ((HttpResponse, string))state;
                if (!response.Headers.ContainsKey(HeaderNames.StrictTransportSecurity))
                {
                    response.Headers.StrictTransportSecurity = value;
                }

                return Task.CompletedTask;
            }, (context.Response, _value));
        }

        return next(context);
    }
}
