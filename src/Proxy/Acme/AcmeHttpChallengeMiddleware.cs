namespace EdgeProxy.Acme;

/// <summary>
/// Answers the CA's HTTP-01 requests on every public listener, plain HTTP and HTTPS alike (a CDN that redirects to
/// HTTPS sends the CA there), ahead of the HTTPS redirect and routing. Unknown tokens fall through to the routes.
/// </summary>
internal sealed class AcmeHttpChallengeMiddleware(RequestDelegate next, AcmeChallenges challenges)
{
    public const string PathPrefix = "/.well-known/acme-challenge/";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is null || !path.StartsWith(PathPrefix, StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method)
            || challenges.HttpKeyAuthorization(path[PathPrefix.Length..]) is not { } keyAuthorization)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/octet-stream";
        return context.Response.WriteAsync(keyAuthorization);
    }
}
