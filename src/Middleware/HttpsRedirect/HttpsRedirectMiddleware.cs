using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Middleware.HttpsRedirect;

/// <summary>
/// Plain HTTP gets a 308 to the same host, path and query over HTTPS (308 keeps the method and body, unlike 301/302).
/// The admin listener never reaches this middleware.
/// </summary>
public sealed class HttpsRedirectMiddleware(RequestDelegate next, IOptions<HttpsRedirectOptions> options, IServer server)
{
    private readonly HttpsRedirectOptions _options = options.Value;
    private int _boundHttpsPort;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!_options.Enabled || request.IsHttps ||
            (_options.AcmeChallengeOverHttp && request.Path.StartsWithSegments(HttpsRedirectOptions.AcmeChallengePrefix.TrimEnd('/'), StringComparison.Ordinal)))
        {
            return next(context);
        }

        if (!request.Host.HasValue)
        {
            // No host to redirect to (an HTTP/1.0 request without Host): say so rather than answer an empty 400.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("Bad request: no Host header to redirect to HTTPS.\n");
        }

        var port = _options.HttpsPort ?? BoundHttpsPort();
        var host = port is 443 or 0 ? new HostString(request.Host.Host) : new HostString(request.Host.Host, port);
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = UriHelper.BuildAbsolute("https", host, request.PathBase, request.Path, request.QueryString);
        return Task.CompletedTask;
    }

    /// <summary>The first HTTPS listener's port, known once Kestrel has bound it (so port 0 works).</summary>
    private int BoundHttpsPort()
    {
        if (_boundHttpsPort == 0)
        {
            _boundHttpsPort = server.HttpsPorts() is [var port, ..] ? port : 443;
        }

        return _boundHttpsPort;
    }
}
