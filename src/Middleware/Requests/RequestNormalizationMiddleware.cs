using EdgeProxy.Middleware.AccessLog;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Middleware.Requests;

/// <summary>
/// Brings every request's path and host to one canonical form before routing (see <see cref="CanonicalPath"/> and
/// <see cref="CanonicalHost"/>), so that no other spelling of a request reaches a route, a policy or a backend: what
/// routes match is what access policies judge, the access log records and the backend receives. Spellings that mean
/// different things to different servers (path parameters, encoded slashes, backslashes) are refused with 400.
/// </summary>
public sealed class RequestNormalizationMiddleware(RequestDelegate next, IOptions<RequestNormalizationOptions> options)
{
    private readonly RequestNormalizationOptions _options = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var refusal = CanonicalPath.Canonicalize(request.Path.Value ?? "", _options, out var path);
        string? host = null;
        if (refusal == RequestRefusal.None && request.Headers.Host is [{ } hostValue] && !CanonicalHost.TryCanonicalize(hostValue, out host))
        {
            refusal = RequestRefusal.BadHost;
        }

        if (refusal != RequestRefusal.None)
        {
            return RefuseAsync(context, refusal);
        }

        if (path is not null)
        {
            request.Path = new PathString(path);
            // The access log records the request as it was routed and forwarded.
            if (context.Features.Find<IHttpRequestFeature>() is { } feature)
            {
                feature.RawTarget = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
            }
        }

        if (host is not null)
        {
            request.Host = new HostString(host);
        }

        if (_options.EncodedSlashes == EncodedSlashHandling.Keep && KeptEncodedSlashes.In(request.Path))
        {
            context.Features.Put(KeptEncodedSlashes.Instance);
        }

        return next(context);
    }

    private static Task RefuseAsync(HttpContext context, RequestRefusal refusal)
    {
        var text = refusal.Describe();
        if (context.Features.Find<AccessLogRecord>() is { } record)
        {
            record.Error = text;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"Bad request: {text}.\n");
    }
}
